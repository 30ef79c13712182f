/**
 * The nonces of the commands a device has accepted, each kept until its command expires: after
 * that the command is refused as expired anyway, so the nonce need not be remembered. This is
 * what makes a replayed "unlock" harmless.
 */

export const nonceCacheDefaults = {
  capacity: 10_000, // nonces; beyond it the oldest is forgotten (counted) rather than exhausting RAM
};

export class NonceCache {
  readonly #expiry = new Map<string, number>(); // nonce → expiresAt (epoch ms), in insertion order
  #evicted = 0;

  constructor(readonly capacity = nonceCacheDefaults.capacity) {}

  /** True when the nonce was already accepted and its command has not expired yet. */
  seen(nonce: string, now: number): boolean {
    const expiresAt = this.#expiry.get(nonce);
    return expiresAt !== undefined && expiresAt >= now;
  }

  remember(nonce: string, expiresAt: number, now: number): void {
    this.#purge(now);
    this.#expiry.set(nonce, expiresAt);
    while (this.#expiry.size > this.capacity) {
      const oldest = this.#expiry.keys().next().value as string;
      this.#expiry.delete(oldest);
      this.#evicted++;
    }
  }

  get size(): number {
    return this.#expiry.size;
  }

  /** Nonces forgotten before their command expired because the cache was full. */
  get evicted(): number {
    return this.#evicted;
  }

  clear(): void {
    this.#expiry.clear();
  }

  #purge(now: number): void {
    for (const [nonce, expiresAt] of this.#expiry) {
      if (expiresAt < now) this.#expiry.delete(nonce);
    }
  }
}
