/**
 * Time as a simulated device sees it. Every timer of the simulator goes through a Clock so that a
 * test can drive hours of device life (held-open alarms, debounce, heartbeats) in microseconds,
 * and so that stop() can clear every timer it ever set.
 */

declare const timerBrand: unique symbol;
/** Opaque: a system timer and a manual timer are different things behind the same handle. */
export type TimerHandle = { readonly [timerBrand]: true };

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

interface ManualTimer {
  id: number;
  due: number;
  fn: () => void;
}

/** A clock that only moves when a test calls advance(). */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, ManualTimer>();

  /** Starts on a fixed Monday morning so that every run of a test sees the same dates. */
  constructor(startMs = Date.UTC(2025, 0, 6, 8, 0, 0)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as unknown as number);
  }

  /** Number of timers waiting, to check that stop() cleared them all. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward, firing every timer that falls due on the way in due order, each with
   * now() equal to its due time (a timer set by a callback fires too if it falls due in time).
   */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers.values()) {
        if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = next.due;
      next.fn();
    }
    this.#now = target;
  }
}

/**
 * The named timers of one device. Naming a timer replaces the previous one of that name, which is
 * what a debounce, a relock or a reconnect wants; clearAll() is what stop() calls.
 */
export class TimerSet {
  readonly #handles = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  set(name: string, fn: () => void, ms: number): void {
    this.clear(name);
    const handle = this.clock.setTimeout(() => {
      this.#handles.delete(name);
      fn();
    }, ms);
    this.#handles.set(name, handle);
  }

  has(name: string): boolean {
    return this.#handles.has(name);
  }

  clear(name: string): void {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.#handles.delete(name);
  }

  clearAll(): void {
    for (const handle of this.#handles.values()) this.clock.clearTimeout(handle);
    this.#handles.clear();
  }

  get size(): number {
    return this.#handles.size;
  }
}
