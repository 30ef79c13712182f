import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../controller/db/group-commit.js';

describe('group commit', () => {
  it('commits everything submitted in one tick as one batch, and answers each caller with its own result', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, string>((items) => {
      batches.push(items);
      return items.map((i) => `ok-${i}`);
    });
    const results = await Promise.all([1, 2, 3].map((i) => committer.submit(i)));
    expect(results).toEqual(['ok-1', 'ok-2', 'ok-3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at the batch size', async () => {
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>((items) => {
      sizes.push(items.length);
      return items;
    }, { maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.submit(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('rejects every caller of a failed batch and none of the next one', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>((items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await committer.submit(3)).toBe(3);
  });

  it('answers nobody before the commit has run', async () => {
    let committed = false;
    const committer = new GroupCommitter<number, boolean>((items) => {
      committed = true;
      return items.map(() => true);
    });
    const answered = committer.submit(1).then(() => committed);
    expect(committed).toBe(false);
    expect(await answered).toBe(true);
  });

  it('with a sync to wait for: answers after it, and holds what arrives meanwhile for one commit once it is done', async () => {
    const batches: number[][] = [];
    const syncs: Array<() => void> = [];
    const committer = new GroupCommitter<number, number>((items) => {
      batches.push(items);
      return items;
    }, { durable: () => new Promise<void>((resolve) => syncs.push(resolve)) });
    const answered: number[] = [];
    const first = committer.submit(1).then((v) => answered.push(v));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    const held = [2, 3, 4].map((i) => committer.submit(i).then((v) => answered.push(v)));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1]]); // held while the first sync runs
    expect(answered).toEqual([]);
    (syncs.shift() as () => void)();
    await first;
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(answered).toEqual([1]);
    (syncs.shift() as () => void)();
    await Promise.all(held);
    expect(answered).toEqual([1, 2, 3, 4]);
  });

  it('rejects the callers of a commit whose sync failed, and goes on with the next', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>((items) => items, {
      durable: () => (fail ? Promise.reject(new Error('EIO')) : Promise.resolve()),
    });
    await expect(committer.submit(1)).rejects.toThrow('EIO');
    fail = false;
    expect(await committer.submit(2)).toBe(2);
  });

  it('holds commits while told to (a checkpoint catching up), then commits what waited in one batch', async () => {
    const batches: number[][] = [];
    let open: () => void = () => undefined;
    let gate: Promise<void> | undefined = new Promise<void>((resolve) => {
      open = resolve;
    });
    const committer = new GroupCommitter<number, number>((items) => {
      batches.push(items);
      return items;
    }, { durable: () => Promise.resolve(), heldUntil: () => gate });
    const all = Promise.all([1, 2, 3].map((i) => committer.submit(i)));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([]);
    gate = undefined;
    open();
    expect(await all).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });
});
