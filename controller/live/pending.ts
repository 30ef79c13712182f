import type { DeltaFrame } from './messages.js';

type Keyed = { kind: string; id: string };
type Sequenced = { seq: number };

/**
 * What a frame will carry, built up between two sends: state changes collapsed per key to the
 * latest value, events kept in order up to `maxEvents` (beyond it the oldest are dropped and
 * counted). One serves all clients between two flushes; a lagging client gets its own.
 */
export class PendingFrame<C extends Keyed, E extends Sequenced = never> {
  #changes = new Map<string, C>();
  #events: E[] = [];
  #eventsDropped = 0;
  #overflowed = false;

  constructor(private readonly maxEvents: number) {}

  get isEmpty(): boolean {
    return this.#changes.size === 0 && this.#events.length === 0 && this.#eventsDropped === 0;
  }

  /** True once this builder itself had to drop an event (not counting drops inherited through `absorb`). */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  change(change: C): void {
    // Keys are distinct within a frame, so the order of the changes does not matter.
    this.#changes.set(`${change.kind}\u0000${change.id}`, change);
  }

  event(event: E): void {
    this.#events.push(event);
    if (this.#events.length > this.maxEvents) {
      this.#events.shift(); // a few hundred at most: the copy is cheap
      this.#eventsDropped += 1;
      this.#overflowed = true;
    }
  }

  /** Adds a frame already built (for a client that could not take it then); events up to `afterSeq` are skipped. */
  absorb(frame: DeltaFrame<C, E>, afterSeq = -1): void {
    for (const c of frame.changes) this.change(c);
    for (const e of frame.events) if (e.seq > afterSeq) this.event(e);
    this.#eventsDropped += frame.eventsDropped ?? 0;
  }

  /** The frame, and a reset builder. */
  take(seq: number, at: number): DeltaFrame<C, E> {
    const frame: DeltaFrame<C, E> = { type: 'delta', seq, at, changes: [...this.#changes.values()], events: this.#events };
    if (this.#eventsDropped > 0) frame.eventsDropped = this.#eventsDropped;
    this.#changes = new Map();
    this.#events = [];
    this.#eventsDropped = 0;
    this.#overflowed = false;
    return frame;
  }
}
