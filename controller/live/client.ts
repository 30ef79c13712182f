import type { DeltaFrame, LiveAudience } from './messages.js';
import { LIVE_CLOSE } from './messages.js';
import { PendingFrame } from './pending.js';

/** What the hub needs of a WebSocket (the `ws` package's WebSocket has it all; tests use a fake). */
export interface LiveSocket {
  readonly readyState: number;
  /** Bytes accepted by send() and not yet written to the network. */
  readonly bufferedAmount: number;
  /** A text frame from UTF-8 bytes: one frame, encoded once, is sent to every client. */
  send(data: Buffer, options: { binary: false }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  on(event: 'close' | 'pong', listener: () => void): unknown;
}

const OPEN = 1; // WebSocket.OPEN

export interface ClientLimits {
  /** milliseconds between two frames to one client, at least */
  minIntervalMs: number;
  /** bytes: above this much unsent on the socket, frames wait (merged) instead of being written */
  lagBytes: number;
  /** bytes: above this much unsent on the socket, the client is dropped at once */
  maxBufferedBytes: number;
  /** events waiting for one client before it is dropped */
  maxPendingEvents: number;
  /** milliseconds a client may stay held back before it is dropped */
  maxLagMs: number;
  /** milliseconds a closing client has to answer the close before its socket is destroyed */
  closeGraceMs: number;
}

export type DropListener = (client: { id: number; audience: LiveAudience }, code: number, reason: string) => void;

type Keyed = { kind: string; id: string };
type Sequenced = { seq: number };

/**
 * One connection's share of the stream: writes the frames it is offered when its socket keeps
 * up, merges them into a backlog of its own while the socket is behind or the minimum interval
 * has not passed, and drops the connection (close code 4008) when it stays behind: more than
 * `maxBufferedBytes` unsent, more than `maxPendingEvents` waiting, or held back over `maxLagMs`.
 */
export class LiveClient<C extends Keyed, E extends Sequenced = never> {
  /** false after a ping until the pong. */
  alive = true;
  #backlog: PendingFrame<C, E> | null = null;
  #backlogSeq = 0;
  #backlogAt = 0;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #lagSince: number | null = null;
  #closing = false;
  #terminateTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    readonly audience: LiveAudience,
    private readonly socket: LiveSocket,
    private readonly limits: ClientLimits,
    /** Events up to this sequence number were in the client's snapshot: never sent again. */
    private readonly eventFloor: number,
    private readonly onDrop: DropListener,
    /** Whether the caller may still watch (session not ended); checked periodically. */
    readonly authorized: () => boolean = () => true,
  ) {}

  get closing(): boolean {
    return this.#closing;
  }

  /** The snapshot, written at once whatever the limits (a client too slow for it is dropped at the next check). */
  sendSnapshot(json: Buffer, now: number): void {
    this.#write(json, now);
  }

  /**
   * A frame for every client of the audience, serialized and encoded once (`json`), or null on a retry tick.
   * Returns true while the client holds a backlog, so the hub ticks again.
   */
  offer(frame: DeltaFrame<C, E> | null, json: Buffer | null, now: number): boolean {
    if (this.#closing) return false;
    if (frame !== null) {
      const replays = (frame.events[0]?.seq ?? Number.POSITIVE_INFINITY) <= this.eventFloor;
      if (this.#backlog === null && !replays && json !== null && this.#ready(now)) {
        this.#write(json, now);
      } else {
        this.#backlog ??= new PendingFrame<C, E>(this.limits.maxPendingEvents);
        this.#backlog.absorb(frame, this.eventFloor);
        this.#backlogSeq = frame.seq;
        this.#backlogAt = frame.at;
      }
    }
    if (this.#backlog !== null) {
      if (this.#backlog.overflowed) {
        this.drop(LIVE_CLOSE.tooSlow, `too slow: over ${this.limits.maxPendingEvents} events waiting`);
        return false;
      }
      if (this.#backlog.isEmpty) {
        this.#backlog = null;
      } else if (this.#ready(now)) {
        this.#write(Buffer.from(JSON.stringify(this.#backlog.take(this.#backlogSeq, this.#backlogAt))), now);
        this.#backlog = null;
      }
    }
    return this.#checkBounds(now);
  }

  /** Closes with a code and reason; the socket is destroyed if the close handshake does not end in time. */
  drop(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#backlog = null;
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate(); // the socket was in no state to close cleanly
    }
    this.#terminateTimer = setTimeout(() => this.socket.terminate(), this.limits.closeGraceMs);
    this.#terminateTimer.unref();
    this.onDrop(this, code, reason);
  }

  /** Pings; a client that did not answer the previous ping is dropped. */
  heartbeat(): void {
    if (this.#closing) return;
    if (!this.alive) {
      this.drop(LIVE_CLOSE.unresponsive, 'no answer to ping');
      return;
    }
    this.alive = false;
    try {
      this.socket.ping();
    } catch {
      // Not open any more: its close event is on its way.
    }
  }

  terminate(): void {
    this.socket.terminate();
    this.dispose();
  }

  /** The socket closed: nothing of the client may keep running. */
  dispose(): void {
    this.#closing = true;
    this.#backlog = null;
    if (this.#terminateTimer !== undefined) clearTimeout(this.#terminateTimer);
    this.#terminateTimer = undefined;
  }

  #ready(now: number): boolean {
    // 1 ms of slack: timers fire on whole milliseconds, the clock measures fractions.
    return this.socket.bufferedAmount <= this.limits.lagBytes && now - this.#lastSentAt >= this.limits.minIntervalMs - 1;
  }

  #write(json: Buffer, now: number): void {
    if (this.socket.readyState !== OPEN) return;
    this.socket.send(json, { binary: false });
    this.#lastSentAt = now;
  }

  #checkBounds(now: number): boolean {
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.drop(LIVE_CLOSE.tooSlow, `too slow: over ${this.limits.maxBufferedBytes} bytes unsent`);
      return false;
    }
    if (this.#backlog === null) {
      this.#lagSince = null;
      return false;
    }
    this.#lagSince ??= now;
    if (now - this.#lagSince > this.limits.maxLagMs) {
      this.drop(LIVE_CLOSE.tooSlow, `too slow: held back over ${this.limits.maxLagMs} ms`);
      return false;
    }
    return true;
  }
}
