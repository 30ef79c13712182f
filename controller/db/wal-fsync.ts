import { closeSync, fsync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** What a group committer needs to commit without waiting for the disk on the event loop. */
export interface DeferredDurability {
  commitDeferred<T>(work: () => T): T;
  durable(): Promise<void>;
  /** While a promise is returned, group commits wait for it (see WalFsync.hold). */
  heldUntil(): Promise<void> | undefined;
}

/**
 * Commits whose fsync happens off the event loop. better-sqlite3 is synchronous: with
 * synchronous=FULL every commit waits for the disk on the controller's only thread, and the doors
 * wait with it. For the ingest's group commits the connection is switched to NORMAL for the
 * transaction (in WAL mode SQLite then writes the frames without syncing them), and the WAL file
 * is fsynced afterwards on libuv's thread pool; the callers are answered (the uplinks' PUBACKs)
 * only once that fsync completes. The durability is FULL's: a frame is either in the synced WAL,
 * or already checkpointed into the database file, which SQLite syncs before the WAL restarts.
 * Concurrent waiters share one fsync; one asked for during an fsync waits for the next.
 * A failed fsync is final: on Linux it may have dropped the frames it was writing, and the next
 * fsync can succeed regardless, so from then on `durable()` rejects with that error and nothing is
 * acknowledged any more (devices keep their uplinks) until the controller restarts and SQLite
 * recovers the database from what is really on disk.
 */
export class WalFsync implements DeferredDurability {
  readonly #walFile: string | undefined;
  readonly #fsync: typeof fsync;
  readonly #sqlite: Database.Database;
  readonly #restore: string;
  #fd: number | undefined;
  #waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  #busy = false;
  #closed = false;
  #commits = 0;
  #gate: Promise<void> | undefined;
  #failure: { err: unknown } | undefined;

  /**
   * `synchronous` is the connection's setting: with NORMAL the operator chose not to pay for
   * power-loss durability, and nothing is synced here either.
   */
  readonly #onFailure: ((err: unknown) => void) | undefined;

  constructor(opts: {
    sqlite: Database.Database; file: string; synchronous: 'FULL' | 'NORMAL'; fsync?: typeof fsync;
    /** Called once, at the first failed fsync (after which nothing is durable any more). */
    onFailure?: (err: unknown) => void;
  }) {
    this.#fsync = opts.fsync ?? fsync;
    this.#onFailure = opts.onFailure;
    this.#walFile = opts.file === ':memory:' || opts.synchronous === 'NORMAL' ? undefined : `${opts.file}-wal`;
    this.#sqlite = opts.sqlite;
    this.#restore = `PRAGMA synchronous = ${opts.synchronous}`;
  }

  /** Runs `work` (a transaction) without syncing at its commit; call `durable()` before answering anyone. */
  commitDeferred<T>(work: () => T): T {
    this.#commits++;
    if (this.#walFile === undefined) return work();
    // exec, not a prepared statement: SQLite applies this pragma when it compiles it.
    this.#sqlite.exec('PRAGMA synchronous = NORMAL');
    try {
      return work();
    } finally {
      this.#sqlite.exec(this.#restore);
    }
  }

  /** Commits made through commitDeferred so far: the write rate the checkpointer watches. */
  get commits(): number {
    return this.#commits;
  }

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    if (this.#walFile === undefined) return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure.err);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (!this.#busy) this.#sync();
    });
  }

  /**
   * Runs `work` once everything committed so far is synced, with the group commits held until it
   * ends (the event loop goes on; only their PUBACKs wait). The checkpointer uses it: SQLite
   * restarts the WAL from its beginning only after a checkpoint that left no frame behind, which a
   * checkpoint running beside a busy writer never does, and the WAL would grow without end.
   */
  hold(work: () => Promise<void>): Promise<void> {
    if (this.#gate !== undefined) return this.#gate;
    const gate: Promise<void> = this.durable().then(work).finally(() => {
      if (this.#gate === gate) this.#gate = undefined;
    });
    this.#gate = gate;
    return gate;
  }

  heldUntil(): Promise<void> | undefined {
    return this.#gate;
  }

  /** Closes the WAL's descriptor once the fsync under way (if any) is done. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#closeFd();
  }

  #sync(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    let fd: number;
    try {
      // Opened on first use: the WAL exists once the connection has written (the migrations did).
      fd = this.#fd ??= openSync(this.#walFile as string, 'r');
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    this.#busy = true;
    this.#fsync(fd, (err) => {
      this.#busy = false;
      if (err !== null) {
        if (this.#failure === undefined) {
          this.#failure = { err };
          this.#onFailure?.(err);
        }
        for (const w of [...batch, ...this.#waiting.splice(0)]) w.reject(err);
      } else {
        for (const w of batch) w.resolve();
      }
      if (this.#waiting.length > 0) this.#sync();
      else if (this.#closed) this.#closeFd();
    });
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/**
 * The same commits, answered as soon as they are committed, with the fsync following right behind:
 * for the ingest behind an external broker when the operator chose MQTT_EXTERNAL_ACK=committed.
 * The gateway's session there reads the next uplink only once the previous one is acknowledged
 * (mqtt.js), so waiting for the disk as well halves what it can take. A committed uplink survives a
 * crash of the controller's process (it is in the WAL); a power cut of the controller's host can
 * lose the last milliseconds, which the broker no longer holds. Once an fsync has failed, nothing
 * is acknowledged any more (every later `durable()` rejects with that error, as WalFsync's own):
 * the uplinks stay in the broker's queue until the controller is restarted.
 */
export function syncBehind(durability: DeferredDurability): DeferredDurability {
  let failed: { err: unknown } | undefined;
  const fail = (err: unknown): void => {
    failed ??= { err }; // reported by WalFsync's onFailure, once
  };
  return {
    commitDeferred: (work) => durability.commitDeferred(work),
    heldUntil: () => durability.heldUntil(),
    durable: () => {
      if (failed !== undefined) return Promise.reject(failed.err);
      durability.durable().catch(fail); // WalFsync gives a commit made during an fsync the next one
      return Promise.resolve();
    },
  };
}
