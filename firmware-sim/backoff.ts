/**
 * Reconnection delays: exponential so that a building of devices does not hammer a broker that is
 * coming back, with jitter so that they do not all come back in the same millisecond.
 */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Source of randomness in [0, 1); a test passes a constant. */
  random?: () => number;
}

export const backoffDefaults: BackoffOptions = {
  baseMs: 500, // 0.5 s before the first retry
  maxMs: 30_000, // 30 s at most between two attempts
};

export class Backoff {
  #attempt = 0;
  readonly #random: () => number;

  constructor(private readonly options: BackoffOptions = backoffDefaults) {
    if (!(options.baseMs > 0) || !(options.maxMs >= options.baseMs)) {
      throw new RangeError(`backoff needs 0 < baseMs <= maxMs, got ${options.baseMs} and ${options.maxMs}`);
    }
    this.#random = options.random ?? Math.random;
  }

  /** Attempts made since the last success. */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * The delay before the next attempt: "equal jitter", half fixed and half random, so that the
   * delay still grows at every failure (full jitter could retry at once after ten failures).
   */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(ceiling / 2 + this.#random() * (ceiling / 2));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
