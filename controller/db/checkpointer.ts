import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';

export const checkpointerDefaults = {
  everyMs: 1_000, // how often the write rate is looked at (and, while the worker runs, the WAL checkpointed)
  busyCommitsPerS: 50, // commits in a second that make the building "busy" (the bench's load makes hundreds)
  quietStopAfterMs: 5 * 60_000, // how long a quiet building keeps the worker before giving its memory back
  sqliteAutocheckpointPages: 1_000, // SQLite's default, used again while quiet
};

/**
 * The worker's whole program. It is evaluated from this string rather than loaded from a file so
 * that it runs the same from the TypeScript sources (tests) and from the build (npm start). Asked
 * to checkpoint, it repeats PASSIVE checkpoints (a few at most) until one catches up with the
 * writer: the WAL only restarts from its beginning after a checkpoint that left nothing behind.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
parentPort.on('message', (m) => {
  if (m === 'stop') { db.close(); parentPort.close(); return; }
  try {
    let r;
    for (let round = 0; round < workerData.maxRounds; round++) {
      [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy === 0 && r.log === r.checkpointed) break;
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
  }
});
`;

type WorkerReply = { ok: true; log: number; checkpointed: number } | { ok: false; message: string };

export interface CheckpointerOptions {
  sqlite: Database.Database;
  file: string;
  logger: Logger;
  /** Commits made on the connection so far (WalFsync counts the ingest's and the decision log's). */
  commits: () => number;
  /**
   * Runs a checkpoint with the group commits held (WalFsync.hold), so that it leaves no frame
   * behind and the WAL restarts from its beginning; without it the WAL grows while the load lasts.
   */
  hold?: (work: () => Promise<void>) => Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop while the building is busy. By default SQLite
 * checkpoints inside the commit that crosses 1,000 WAL pages, on the controller's only thread:
 * under load, copying 4 MB into the database file and fsyncing it stalled everything, the doors
 * included, for 100–200 ms every few seconds. While commits come fast, the main connection stops
 * checkpointing and a worker thread with a connection of its own does it (PASSIVE: the writer goes
 * on meanwhile). The worker costs about 16 MB, so a quiet building (the night, the idle figure of
 * the bench) leaves checkpoints to SQLite as before.
 */
export class WalCheckpointer {
  readonly #o: CheckpointerOptions & typeof checkpointerDefaults;
  #timer: NodeJS.Timeout | undefined;
  #worker: Worker | undefined;
  #round: Promise<void> | undefined;
  #reply: (() => void) | undefined; // ends the checkpoint the worker was asked for
  #lastCommits = 0;
  #quietSince: number | undefined;
  #stopped = false;
  #failed = false;

  constructor(opts: CheckpointerOptions & Partial<typeof checkpointerDefaults>) {
    this.#o = { ...checkpointerDefaults, ...opts };
  }

  start(): void {
    if (this.#o.file === ':memory:') return;
    this.#lastCommits = this.#o.commits();
    this.#timer = setInterval(() => {
      this.#look().catch((err: unknown) => this.#o.logger.warn({ err }, 'WAL checkpointer look failed; the next one tries again'));
    }, this.#o.everyMs);
    this.#timer.unref();
  }

  /** True while a worker thread checkpoints. */
  get working(): boolean {
    return this.#worker !== undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#stopWorker();
  }

  async #look(): Promise<void> {
    if (this.#stopped) return;
    const commits = this.#o.commits();
    const perS = ((commits - this.#lastCommits) * 1000) / this.#o.everyMs;
    this.#lastCommits = commits;
    const busy = perS >= this.#o.busyCommitsPerS;
    const now = Date.now();
    if (busy) this.#quietSince = undefined;
    else this.#quietSince ??= now;
    if (this.#worker === undefined) {
      if (busy && !this.#failed) this.#startWorker(perS);
    } else if (!busy && now - (this.#quietSince ?? now) >= this.#o.quietStopAfterMs) {
      // SQLite takes the checkpoints back before the worker goes (a checkpoint of each at once is safe).
      this.#o.sqlite.pragma(`wal_autocheckpoint = ${this.#o.sqliteAutocheckpointPages}`);
      this.#o.logger.info('quiet again: WAL checkpoints back on the main connection');
      await this.#stopWorker();
    } else {
      this.#startRound();
    }
  }

  /** The bulk beside the busy writer, then what it wrote meanwhile with the group commits held. */
  #startRound(): void {
    if (this.#round !== undefined || this.#worker === undefined) return;
    const hold = this.#o.hold;
    this.#round = (async () => {
      await this.#checkpointInWorker();
      if (hold !== undefined && this.#worker !== undefined) await hold(() => this.#checkpointInWorker());
    })().catch((err: unknown) => this.#o.logger.warn({ err }, 'WAL checkpoint round failed; the next look tries again'))
      .finally(() => {
        this.#round = undefined;
      });
  }

  /** Resolves when the worker has answered, failed or been stopped, and after 5 s at most: a hold must end. */
  #checkpointInWorker(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timeout = setTimeout(() => done(), 5_000);
      const done = (): void => {
        clearTimeout(timeout);
        if (this.#reply === done) this.#reply = undefined;
        resolve();
      };
      this.#reply = done;
      worker.postMessage('checkpoint');
    });
  }

  #startWorker(perS: number): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { driver, file: this.#o.file, maxRounds: 20 },
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    this.#worker = worker;
    worker.unref(); // stop() ends it; it must never be what keeps the process up
    this.#o.sqlite.pragma('wal_autocheckpoint = 0');
    worker.on('message', (m: WorkerReply) => {
      if (!m.ok) this.#o.logger.warn({ reason: m.message }, 'WAL checkpoint failed in its worker; the next look tries again');
      this.#reply?.();
    });
    worker.on('error', (err) => this.#workerFailed(worker, err));
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#workerFailed(worker, new Error(`exited with code ${code}`));
    });
    this.#o.logger.info({ commitsPerS: Math.round(perS) }, 'busy: WAL checkpoints moved to a worker thread');
    this.#startRound();
  }

  /** Without its worker the WAL would grow for ever: SQLite checkpoints on the main connection again. */
  #workerFailed(worker: Worker, err: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#reply?.();
    this.#failed = true;
    this.#o.sqlite.pragma(`wal_autocheckpoint = ${this.#o.sqliteAutocheckpointPages}`);
    this.#o.logger.error({ err }, 'the WAL checkpoint worker failed; SQLite checkpoints inside commits again');
  }

  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    this.#reply?.();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timeout = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timeout);
  }
}
