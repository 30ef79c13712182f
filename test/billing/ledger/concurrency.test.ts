import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startGoProcess } from '../../support/go-process.js';
import { APRIL_1, openFixture, type Fixture } from './helpers.js';

const PER_PROCESS = 50;

let fx: Fixture | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  fx?.close();
  fx = undefined;
});

/** An issuer process: `ready` once it has opened the database, `numbers` when it is done. */
function issuer(file: string, personId: number) {
  const p = startGoProcess<string[]>('test/billing/ledger/fixtures/issuer.ts', [file, String(personId), String(PER_PROCESS), String(APRIL_1)], children);
  return { ready: p.ready, numbers: p.result, go: p.go };
}

describe('numbering under concurrent issuers', () => {
  it('two processes issuing 50 invoices each at once get 2026-000001…000100, no gap, no duplicate, one valid chain', async () => {
    fx = openFixture();
    const a = issuer(fx.file, fx.people.alice);
    const b = issuer(fx.file, fx.people.bob);
    await Promise.all([a.ready, b.ready]);
    a.go();
    b.go();
    const [na, nb] = await Promise.all([a.numbers, b.numbers]);
    expect(na).toHaveLength(PER_PROCESS);
    expect(nb).toHaveLength(PER_PROCESS);
    const all = [...na, ...nb].sort();
    expect(all).toEqual(Array.from({ length: 2 * PER_PROCESS }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`));
    // Each process saw its own numbers increase, and the two really ran at the same time: their numbers interleave.
    expect([...na].sort()).toEqual(na);
    expect([...nb].sort()).toEqual(nb);
    expect(na[0]! < nb[nb.length - 1]! && nb[0]! < na[na.length - 1]!).toBe(true);
    const seqs = fx.db.sqlite.prepare('SELECT seq FROM invoices ORDER BY id').all() as Array<{ seq: number }>;
    expect(seqs.map((s) => s.seq)).toEqual(Array.from({ length: 2 * PER_PROCESS }, (_, i) => i + 1));
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 2 * PER_PROCESS });
  }, 60_000);
});
