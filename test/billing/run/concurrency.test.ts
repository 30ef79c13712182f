import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../controller/billing/run/runner.js';
import { startGoProcess } from '../../support/go-process.js';
import { openRunFixture, type RunFixture } from './helpers.js';
import { nov } from './november.js';

const GB = 1_000_000_000;

let fx: RunFixture | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  fx?.close();
  fx = undefined;
});

/** A run process: `ready` once it has opened the database, `summary` when its run is done. */
function runProcess(file: string, period: string, now: number) {
  const p = startGoProcess<RunSummary>('test/billing/run/fixtures/run-process.ts', [file, period, String(now)], children);
  return { ready: p.ready, summary: p.result, go: p.go };
}

describe('two runs of the same period at once', () => {
  it('from two processes, each with its own connection: each account invoiced once, no gap, no duplicate, an intact chain', async () => {
    fx = openRunFixture();
    // 60 nomads (1 to 3 days each), 4 hot-desk members, 3 companies with an office and 2 residents, 5 trainees,
    // and 10 nomads with traffic under their allowance only (rated, nothing to bill): 72 invoices expected.
    const billable: string[] = [];
    const sessions: number[] = [];
    for (let i = 0; i < 60; i++) {
      const p = fx.person('member', `Nomade ${i}`);
      for (let d = 0; d <= i % 3; d++) sessions.push(fx.session(p, nov(2 + d + (i % 20), '09:00'), nov(2 + d + (i % 20), `1${d}:${String(15 * (i % 4)).padStart(2, '0')}`)));
      billable.push(`person:${p}`);
    }
    for (let i = 0; i < 4; i++) {
      const p = fx.person('member', `Poste libre ${i}`);
      fx.subscription({ personId: p, planId: 'hot-desk', from: '2026-10-01T00:00:00+02:00' });
      billable.push(`person:${p}`);
    }
    for (let i = 0; i < 3; i++) {
      const c = fx.company(`Société ${i}`);
      fx.subscription({ companyId: c, planId: 'office-1', from: '2026-10-01T00:00:00+02:00' });
      for (let j = 0; j < 2; j++) sessions.push(fx.session(fx.person('resident', `Résident ${i}.${j}`, c), nov(10 + j, '09:00'), nov(10 + j, '18:00')));
      billable.push(`company:${c}`);
    }
    for (let i = 0; i < 5; i++) {
      const p = fx.person('trainee', `Stagiaire ${i}`);
      sessions.push(fx.session(p, nov(16 + i, '09:00'), nov(16 + i, '12:00')));
      billable.push(`person:${p}`);
    }
    const quiet: number[] = [];
    for (let i = 0; i < 10; i++) {
      const p = fx.person('member', `Discret ${i}`);
      fx.net(p, nov(5 + i, '10:00'), (i + 1) * GB);
      quiet.push(p);
    }
    const now = Date.parse('2026-12-01T02:00:00+01:00');

    const a = runProcess(fx.file, '2026-11', now);
    const b = runProcess(fx.file, '2026-11', now);
    await Promise.all([a.ready, b.ready]);
    a.go();
    b.go();
    const [sa, sb] = await Promise.all([a.summary, b.summary]);

    // Between them, the two runs issued each invoice once.
    expect(sa.issued + sb.issued).toBe(billable.length);
    const accounts = (fx.sqlite.prepare("SELECT account_kind || ':' || account_id AS k FROM invoices WHERE period = '2026-11' ORDER BY k").all() as Array<{ k: string }>).map((r) => r.k);
    expect(accounts).toEqual([...billable].sort());
    // One series, no gap, no duplicate, in issue order.
    const numbers = (fx.sqlite.prepare('SELECT number, seq FROM invoices ORDER BY id').all() as Array<{ number: string; seq: number }>);
    expect(numbers.map((n) => n.seq)).toEqual(Array.from({ length: billable.length }, (_, i) => i + 1));
    expect(numbers.map((n) => n.number)).toEqual(Array.from({ length: billable.length }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`));
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: billable.length, missingTriggers: [] });
    // Each session rated once for November, on an invoice of its account.
    const rated = fx.sqlite.prepare(`SELECT r.record_id AS id, i.account_kind AS kind, i.account_id AS accountId, s.person_id AS personId, p.company_id AS companyId
      FROM rated_records r JOIN presence_sessions s ON s.id = r.record_id JOIN people p ON p.id = s.person_id LEFT JOIN invoices i ON i.id = r.invoice_id
      WHERE r.source = 'presence_session' AND r.period = '2026-11' ORDER BY r.record_id`).all() as Array<{ id: number; kind: string; accountId: number; personId: number; companyId: number | null }>;
    expect(rated.map((r) => r.id)).toEqual(sessions);
    for (const r of rated) expect(`${r.kind}:${r.accountId}`).toBe(r.companyId === null ? `person:${r.personId}` : `company:${r.companyId}`);
    // The quiet nomads' bytes were rated once, though both runs rated them (nothing to bill: no invoice to race for).
    const bytes = fx.sqlite.prepare("SELECT person_id AS personId, SUM(bytes) AS bytes FROM rated_network WHERE period = '2026-11' GROUP BY person_id ORDER BY person_id").all();
    expect(bytes).toEqual(quiet.map((p, i) => ({ personId: p, bytes: (i + 1) * GB })));
    // And the runs are recorded, both finished without error.
    expect(fx.sqlite.prepare('SELECT period, error FROM billing_runs ORDER BY id').all()).toEqual([
      { period: '2026-11', error: null }, { period: '2026-11', error: null },
    ]);
    console.info(`concurrent runs: A issued ${sa.issued} (already issued ${sa.alreadyIssued}), B issued ${sb.issued} (already issued ${sb.alreadyIssued})`);
  }, 60_000);
});
