export const groupCommitDefaults = {
  maxBatch: 500, // records per transaction: large enough to amortise the fsync, small enough to keep latency low
};

interface Pending<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Collects what arrives during one event-loop tick and commits it in one transaction, then
 * answers every waiting caller: one fsync for hundreds of uplinks, and no caller is answered
 * before its record is durable.
 */
export class GroupCommitter<I, R> {
  #queue: Pending<I, R>[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  readonly #maxBatch: number;

  readonly #durable: (() => Promise<void>) | undefined;
  readonly #heldUntil: (() => Promise<void> | undefined) | undefined;
  #syncing = false;
  #gated = false;

  /**
   * `durable`, when given, resolves once a commit is on disk (see WalFsync): callers are answered
   * after it, while the event loop goes on. What arrives meanwhile is held and committed when the
   * disk answers, in one transaction: committing sooner would answer nobody sooner, and every
   * commit rewrites the pages it touches (the batching an fsync on the event loop used to give).
   */
  constructor(private readonly commit: (items: I[]) => R[], opts: {
    maxBatch?: number;
    durable?: () => Promise<void>;
    /** While it returns a promise, commits wait for it (WalFsync.hold: a checkpoint catching up). */
    heldUntil?: () => Promise<void> | undefined;
  } = {}) {
    this.#maxBatch = opts.maxBatch ?? groupCommitDefaults.maxBatch;
    this.#durable = opts.durable;
    this.#heldUntil = opts.heldUntil;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#syncing || this.#gated) return;
      if (this.#queue.length >= this.#maxBatch) this.#flushUnlessHeld();
      else this.#scheduled ??= setImmediate(() => this.#flushUnlessHeld());
    });
  }

  #flushUnlessHeld(): void {
    const held = this.#heldUntil?.();
    if (held === undefined) {
      this.flush();
      return;
    }
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#gated = true;
    const reopen = (): void => {
      this.#gated = false;
      if (this.#queue.length > 0 && !this.#syncing) this.#flushUnlessHeld();
    };
    held.then(reopen, reopen);
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Commits everything queued now, even while a sync or a hold is under way; safe to call at any time (stop() calls it). */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const committed: Array<{ batch: Pending<I, R>[]; results: R[] }> = [];
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        committed.push({ batch, results: this.commit(batch.map((p) => p.item)) });
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    const answer = (): void => {
      for (const { batch, results } of committed) batch.forEach((p, i) => p.resolve(results[i] as R));
    };
    if (this.#durable === undefined || committed.length === 0) {
      answer();
      return;
    }
    this.#syncing = true;
    this.#durable().then(answer, (err: unknown) => {
      for (const { batch } of committed) for (const p of batch) p.reject(err);
    }).finally(() => {
      this.#syncing = false;
      if (this.#queue.length > 0 && !this.#gated) this.#scheduled ??= setImmediate(() => this.#flushUnlessHeld());
    });
  }
}
