import { fsync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../controller/db/checkpointer.js';
import { GroupCommitter } from '../../controller/db/group-commit.js';
import { openDatabase, type OpenDb } from '../../controller/db/open.js';
import { syncBehind, WalFsync } from '../../controller/db/wal-fsync.js';
import { eventually } from '../support/mqtt-device.js';

/** A logger whose lines the test reads back. */
function capturedLogger(): { logger: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('commits synced off the event loop (WalFsync), on a real SQLite file', () => {
  let dir: string;
  let open: OpenDb;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-wal-'));
    file = join(dir, 'controller.db');
    open = openDatabase(file);
    open.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  });
  afterEach(() => {
    open.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits without syncing (NORMAL) inside, keeps FULL for every other write, and counts the commits', () => {
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL' });
    const inside = wal.commitDeferred(() => open.sqlite.transaction(() => {
      open.sqlite.prepare('INSERT INTO t (v) VALUES (?)').run('a');
      return open.sqlite.pragma('synchronous', { simple: true });
    })());
    expect(inside).toBe(1); // NORMAL
    expect(open.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL again
    expect(() => wal.commitDeferred(() => {
      throw new Error('constraint');
    })).toThrow('constraint');
    expect(open.sqlite.pragma('synchronous', { simple: true })).toBe(2); // restored after a failure too
    expect(wal.commits).toBe(2);
    wal.close();
  });

  it('answers the group commit’s callers only after the WAL’s fsync has completed, one fsync for a whole batch', async () => {
    const syncs: Array<() => void> = [];
    // The real fsync, held until the test lets it finish.
    const heldFsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      syncs.push(() => fsync(fd, cb));
    }) as typeof fsync;
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL', fsync: heldFsync });
    const insert = open.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const committer = new GroupCommitter<string, number>(
      (items) => wal.commitDeferred(() => open.sqlite.transaction(() => items.map((v) => Number(insert.run(v).lastInsertRowid)))()),
      { durable: () => wal.durable() },
    );
    const answered: number[] = [];
    const all = ['a', 'b', 'c'].map((v) => committer.submit(v).then((id) => answered.push(id)));
    await eventually(() => syncs.length === 1, 'the fsync is asked for', 2_000);
    // Committed (another connection reads the rows), but nobody is answered before the disk says so.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
    reader.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toEqual([]);
    // What arrives while that fsync runs is held, then committed and synced once it is done.
    const later = committer.submit('d').then((id) => answered.push(id));
    await new Promise((r) => setTimeout(r, 20));
    expect(open.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
    (syncs.shift() as () => void)();
    await Promise.all(all);
    expect(answered).toEqual([1, 2, 3]);
    await eventually(() => syncs.length === 1, 'a second fsync for the later commit', 2_000);
    expect(answered).toEqual([1, 2, 3]);
    (syncs.shift() as () => void)();
    await later;
    expect(answered).toEqual([1, 2, 3, 4]);
    wal.close();
    await expect(wal.durable()).rejects.toThrow('the database is closed');
  });

  it('fails the callers, not the process, when the fsync fails, and answers nobody after it', async () => {
    let calls = 0;
    // Fails once; a later fsync would succeed, as Linux lets it after a writeback error dropped pages.
    const failingOnce = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      calls++;
      if (calls === 1) setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })));
      else fsync(fd, cb);
    }) as typeof fsync;
    const failures: unknown[] = [];
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL', fsync: failingOnce, onFailure: (err) => failures.push(err) });
    const committer = new GroupCommitter<string, string>((items) => wal.commitDeferred(() => items), { durable: () => wal.durable() });
    await expect(committer.submit('x')).rejects.toThrow('EIO');
    // The failure is final: the frames it was writing may be gone, so nothing later is acknowledged.
    await expect(committer.submit('y')).rejects.toThrow('EIO');
    await expect(wal.durable()).rejects.toThrow('EIO');
    expect(calls).toBe(1);
    expect(failures).toHaveLength(1); // reported once, for the operator
    wal.close();
  });

  it('behind an external broker (syncBehind): answers once committed, the fsync follows; after a failed one, nothing more is answered', async () => {
    const syncs: Array<(err: NodeJS.ErrnoException | null) => void> = [];
    const heldFsync = ((_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      syncs.push(cb);
    }) as typeof fsync;
    const finishSync = (err: NodeJS.ErrnoException | null): void => {
      const next = syncs.shift();
      if (next === undefined) throw new Error('no fsync under way');
      next(err);
    };
    const failures: unknown[] = [];
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL', fsync: heldFsync, onFailure: (err) => failures.push(err) });
    const behind = syncBehind(wal);
    const insert = open.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const committer = new GroupCommitter<string, number>(
      (items) => behind.commitDeferred(() => open.sqlite.transaction(() => items.map((v) => Number(insert.run(v).lastInsertRowid)))()),
      { durable: () => behind.durable(), heldUntil: () => behind.heldUntil() },
    );
    // Answered with the fsync still under way; the row is committed (another connection reads it).
    expect(await committer.submit('a')).toBe(1);
    expect(syncs).toHaveLength(1);
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    reader.close();
    // One committed during that fsync gets the next one.
    expect(await committer.submit('b')).toBe(2);
    finishSync(null);
    await eventually(() => syncs.length === 1, 'a second fsync for the commit made during the first', 2_000);
    // That one fails: reported once, and from then on no commit is answered (the broker keeps the uplinks).
    expect(await committer.submit('c')).toBe(3);
    finishSync(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await eventually(() => failures.length === 1, 'the failed fsync reported', 2_000);
    await expect(committer.submit('d')).rejects.toThrow('EIO');
    await new Promise((r) => setTimeout(r, 20));
    expect(syncs).toHaveLength(0); // the third commit's wait failed with it: no fsync is tried after a failure
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('EIO');
    wal.close();
  });

  it('holds the group commits for a piece of work once everything committed is synced (hold)', async () => {
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL' });
    const insert = open.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const committer = new GroupCommitter<string, number>(
      (items) => wal.commitDeferred(() => open.sqlite.transaction(() => items.map((v) => Number(insert.run(v).lastInsertRowid)))()),
      { durable: () => wal.durable(), heldUntil: () => wal.heldUntil() },
    );
    await committer.submit('before');
    let finish: () => void = () => undefined;
    const seen: number[] = [];
    const held = wal.hold(() => new Promise<void>((resolve) => {
      seen.push(Number(open.sqlite.prepare('SELECT count(*) FROM t').pluck().get()));
      finish = resolve;
    }));
    expect(wal.hold(() => Promise.resolve())).toBe(held); // one hold at a time
    await eventually(() => seen.length === 1, 'the held work starts', 2_000);
    const during = committer.submit('during');
    await new Promise((r) => setTimeout(r, 20));
    expect(open.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1); // held
    finish();
    await held;
    expect(wal.heldUntil()).toBeUndefined();
    expect(await during).toBe(2);
    wal.close();
  });

  it('does nothing more when the operator chose NORMAL, or for a database in memory', async () => {
    const normal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'NORMAL' });
    open.sqlite.pragma('synchronous = NORMAL');
    normal.commitDeferred(() => open.sqlite.prepare('INSERT INTO t (v) VALUES (?)').run('n'));
    expect(open.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    await normal.durable();
    const memory = openDatabase(':memory:');
    const inMemory = new WalFsync({ sqlite: memory.sqlite, file: ':memory:', synchronous: 'FULL' });
    await inMemory.durable();
    memory.close();
  });
});

describe('WAL checkpoints in a worker thread while the building is busy (WalCheckpointer)', () => {
  let dir: string;
  let open: OpenDb;
  let file: string;
  let checkpointer: WalCheckpointer | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-ckpt-'));
    file = join(dir, 'controller.db');
    open = openDatabase(file);
    open.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = undefined;
    open.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Commits `count` rows of 8 KB, one transaction each, through `wal` (so they are counted). */
  function write(wal: WalFsync, count: number): void {
    const insert = open.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < count; i++) wal.commitDeferred(() => open.sqlite.transaction(() => insert.run(Buffer.alloc(8192, i)))());
  }

  it('starts its worker when commits come fast, checkpoints into the database file there, and gives the work back when quiet', async () => {
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL' });
    const { logger, lines } = capturedLogger();
    checkpointer = new WalCheckpointer({ sqlite: open.sqlite, file, logger, commits: () => wal.commits, hold: (work) => wal.hold(work), everyMs: 50, busyCommitsPerS: 100, quietStopAfterMs: 300 });
    checkpointer.start();
    const dbBytes = statSync(file).size;
    expect(checkpointer.working).toBe(false);

    // Busy: 40 commits per 50 ms (800/s), a fixed amount however slow the machine (12 × 40 rows of
    // 8 KB). While the worker runs the main connection never checkpoints, so the worker moved them.
    const autocheckpointWhileWorking = new Set<unknown>();
    for (let i = 0; i < 12; i++) {
      write(wal, 40);
      await new Promise((r) => setTimeout(r, 50));
      if (checkpointer.working) autocheckpointWhileWorking.add(open.sqlite.pragma('wal_autocheckpoint', { simple: true }));
    }
    expect([...autocheckpointWhileWorking]).toEqual([0]);
    await eventually(() => statSync(file).size > dbBytes + 2_000_000, 'the rows reach the database file', 5_000);
    expect(lines.some((l) => l.msg.startsWith('busy: WAL checkpoints moved to a worker thread'))).toBe(true);

    // Quiet: the worker stops and SQLite checkpoints by itself again.
    await eventually(() => checkpointer?.working === false, 'the worker stops once quiet', 5_000);
    expect(open.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(lines.some((l) => l.msg.startsWith('quiet again'))).toBe(true);
    expect(open.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBeGreaterThan(200);
    wal.close();
  }, 20_000);

  it('keeps the WAL from growing without end under a writer that never pauses: the held round lets it restart', async () => {
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL' });
    const { logger } = capturedLogger();
    checkpointer = new WalCheckpointer({
      sqlite: open.sqlite, file, logger, commits: () => wal.commits, hold: (work) => wal.hold(work), everyMs: 50, busyCommitsPerS: 100,
    });
    checkpointer.start();
    const insert = open.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const committer = new GroupCommitter<Buffer, number>(
      (items) => wal.commitDeferred(() => open.sqlite.transaction(() => items.map((v) => Number(insert.run(v).lastInsertRowid)))()),
      { durable: () => wal.durable(), heldUntil: () => wal.heldUntil() },
    );
    // A writer that always has something queued: a commit in every turn of the event loop.
    let written = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await Promise.all(Array.from({ length: 8 }, () => committer.submit(Buffer.alloc(8192, written++ % 256))));
      }
    })();
    await new Promise((r) => setTimeout(r, 2_000));
    stop = true;
    await writer;
    const walBytes = statSync(`${file}-wal`).size;
    const writtenBytes = written * 8192;
    expect(checkpointer.working).toBe(true);
    expect(writtenBytes).toBeGreaterThan(8_000_000);
    expect(walBytes).toBeLessThan(writtenBytes / 3);
    wal.close();
  }, 20_000);

  it('falls back to SQLite’s own checkpoints, with an error in the log, when its worker cannot run', async () => {
    const wal = new WalFsync({ sqlite: open.sqlite, file, synchronous: 'FULL' });
    const { logger, lines } = capturedLogger();
    // The worker opens the file it is given; this one does not exist, so it fails at once.
    checkpointer = new WalCheckpointer({ sqlite: open.sqlite, file: join(dir, 'missing.db'), logger, commits: () => wal.commits, everyMs: 50, busyCommitsPerS: 100 });
    checkpointer.start();
    const busy = setInterval(() => write(wal, 20), 50);
    try {
      await eventually(() => lines.some((l) => l.msg.startsWith('the WAL checkpoint worker failed')), 'the failure is logged', 5_000);
    } finally {
      clearInterval(busy);
    }
    expect(checkpointer.working).toBe(false);
    expect(open.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(lines.find((l) => l.msg.startsWith('the WAL checkpoint worker failed'))?.level).toBe(50);
    wal.close();
  }, 20_000);
});
