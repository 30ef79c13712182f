import { systemClock, type Clock, type TimerHandle } from '../clock.js';

/**
 * The demo's accelerated day: simulated time (seconds since local midnight) runs `speed` times
 * faster than the base clock, from `startT` when start() is called. Only the scenario's schedule
 * runs on it; the devices and the controller keep real time. Every timer it sets is cleared by stop().
 */
export class ScenarioClock {
  readonly #base: Clock;
  readonly #timers = new Set<TimerHandle>();
  readonly #sleepers = new Set<() => void>();
  #startedAt: number | null = null;
  #stopped = false;

  constructor(readonly startT: number, readonly speed: number, base: Clock = systemClock) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.#base = base;
  }

  start(): void {
    if (this.#startedAt !== null) throw new Error('the scenario clock is already started');
    this.#startedAt = this.#base.now();
  }

  /** Simulated seconds since midnight (startT until start()). */
  now(): number {
    return this.#startedAt === null ? this.startT : this.startT + ((this.#base.now() - this.#startedAt) * this.speed) / 1000;
  }

  /** Real milliseconds that `simSeconds` of the day take. */
  realMs(simSeconds: number): number {
    return (simSeconds * 1000) / this.speed;
  }

  /** Runs fn when the simulated clock reaches t (at once if it is past). */
  at(t: number, fn: () => void): void {
    if (this.#stopped) return;
    const delay = Math.max(0, this.realMs(t - this.now()));
    const handle = this.#base.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, delay);
    this.#timers.add(handle);
  }

  /** Waits `ms` of real time; resolves at once once the clock is stopped. */
  sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        this.#timers.delete(handle);
        this.#base.clearTimeout(handle);
        resolve();
      };
      const handle = this.#base.setTimeout(wake, ms);
      this.#timers.add(handle);
      this.#sleepers.add(wake);
    });
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Clears every timer and wakes every sleeper; nothing is scheduled afterwards. */
  stop(): void {
    this.#stopped = true;
    for (const wake of [...this.#sleepers]) wake();
    for (const handle of this.#timers) this.#base.clearTimeout(handle);
    this.#timers.clear();
  }
}
