import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { documentHash } from '../../../controller/billing/ledger/index.js';
import { consumer, line, openFixture, type Fixture } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

function issueThree(f: Fixture) {
  const issue = (id: number, period: string) => f.ledger.issue({ account: { kind: 'person', id }, period, buyer: consumer(), lines: [line(), line({ code: 'hourly', quantity: 2.5, unit: 'hour', unitPriceCents: 400, amountCents: 1000 })] });
  return [issue(f.people.alice, '2026-03'), issue(f.people.bob, '2026-03'), issue(f.people.mallory, '2026-03')] as const;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'controller/billing/cli/verify-chain.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('verifyChain', () => {
  it('detects a line changed behind the triggers, names the document, and the CLI exits 1', async () => {
    fx = openFixture();
    const [, b] = issueThree(fx);
    const ok = await runCli([], { DATA_DIR: fx.dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK: 3 document\(s\) verified/);

    // Someone with the database file drops the protection in their own connection and edits an amount.
    fx.db.sqlite.exec('DROP TRIGGER invoice_lines_no_update');
    fx.db.sqlite.prepare('UPDATE invoice_lines SET amount_cents = 100, vat_cents = 20 WHERE invoice_id = ? AND position = 1').run(b.id);
    const report = fx.ledger.verifyChain();
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({ number: b.number, problem: 'hash', stored: b.hash });
    expect(report.broken?.expected).not.toBe(b.hash);
    expect(report.missingTriggers).toEqual(['invoice_lines_no_update']);

    const broken = await runCli(['--db', fx.file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN: document ${b.number}`);
    expect(broken.stderr).toMatch(/expected: [0-9a-f]{64}\n\s+stored:\s+[0-9a-f]{64}/);
    expect(broken.stderr).toMatch(/MISSING TRIGGERS: invoice_lines_no_update/);
    const json = await runCli(['--db', fx.file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, broken: { number: b.number, problem: 'hash' } });
  });

  it('detects a document rehashed after a change (the next one no longer points at it)', () => {
    fx = openFixture();
    const [a, b, c] = issueThree(fx);
    fx.db.sqlite.exec('DROP TRIGGER invoices_no_update');
    const changed = { ...b, buyer: { ...b.buyer, name: 'Quelqu’un d’autre' } };
    const { id: _id, hash: _hash, ...content } = changed;
    fx.db.sqlite.prepare('UPDATE invoices SET buyer = ?, hash = ? WHERE id = ?').run(JSON.stringify(changed.buyer), documentHash(content), b.id);
    expect(fx.ledger.verifyChain().broken).toMatchObject({ number: c.number, problem: 'prev_hash', expected: documentHash(content), stored: b.hash });
    expect(a.hash).not.toBe(b.hash);
  });

  it('detects a document deleted from the middle', () => {
    fx = openFixture();
    const [, b, c] = issueThree(fx);
    fx.db.sqlite.exec('DROP TRIGGER invoices_no_delete; DROP TRIGGER invoice_lines_no_delete');
    fx.db.sqlite.prepare('DELETE FROM invoice_lines WHERE invoice_id = ?').run(b.id);
    fx.db.sqlite.prepare('DELETE FROM invoices WHERE id = ?').run(b.id);
    expect(fx.ledger.verifyChain().broken).toMatchObject({ number: c.number, problem: 'prev_hash', stored: b.hash });
  });

  it('detects totals that are not the sum of the lines, even when the whole chain was rehashed', () => {
    fx = openFixture();
    const [a, b, c] = issueThree(fx);
    fx.db.sqlite.exec('DROP TRIGGER invoices_no_update');
    // Rewrite b's total and every hash from b on, as a careful forger would.
    let prev = a.hash;
    for (const doc of [{ ...b, totals: { ...b.totals, ttcCents: 1 } }, c]) {
      const { id, hash: _hash, ...content } = { ...doc, prevHash: prev };
      prev = documentHash(content);
      fx.db.sqlite.prepare('UPDATE invoices SET total_ttc_cents = ?, prev_hash = ?, hash = ? WHERE id = ?').run(content.totals.ttcCents, content.prevHash, prev, id);
    }
    expect(fx.ledger.verifyChain().broken).toMatchObject({ number: b.number, problem: 'totals' });
  });

  it('reports an empty ledger as intact, and cannot check a file that is not there', async () => {
    fx = openFixture();
    expect(fx.ledger.verifyChain()).toEqual({ ok: true, documents: 0, lastHash: '0'.repeat(64), broken: null, missingTriggers: [] });
    const missing = await runCli(['--db', `${fx.dir}/nope.db`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database/);
  });
});
