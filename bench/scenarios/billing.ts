import { copyFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { MonthFacts, MonthParams } from '../billing-data.js';
import { monthDefaults } from '../billing-data.js';
import type { RunFigures } from '../billing-process.js';
import { controllerSettings } from '../controller.js';
import { round, type BenchContext, type MetricDef, type Scenario, type ScenarioOutcome } from '../metrics.js';
import { removeDir, spawnTs, stopProcess, tempDir } from '../processes.js';

/**
 * A month of billing: a synthetic month written into a fresh SQLite file (bench/billing-data.ts, not
 * timed), then `BillingRunner.run(period, 'manual', 'bench')` timed end to end in a process of its
 * own (reading, rating, issuing), on a copy of the file per run. Each run's result is checked against
 * what the generator wrote, so that a wrong result cannot pass for a fast one.
 */

export interface BillingParams extends MonthParams {
  runs: number; // timed runs, each on its own copy of the month; the figure is their median
  history: number; // earlier months billed first in the same database (copies of the month's usage); 0: the first month
}

export const billingDefaults: BillingParams = { ...monthDefaults, runs: 3, history: 0 };

export const billingMetrics: MetricDef[] = [
  {
    name: 'billing_month_s', unit: 's', target: { op: '<=', value: 2 },
    what: 'the monthly billing run (read, rate, issue) of 2,000 members and 1,000,000 usage events, median of 3 runs',
  },
];

interface Generated { facts: MonthFacts; ms: number; dbMb: number }

/** Runs bench/billing-process.ts and resolves with its result line; its progress lines go to the log. */
async function child<T>(ctx: BenchContext, args: string[], nodeArgs: string[] = []): Promise<T> {
  let result: T | undefined;
  const proc = spawnTs('bench/billing-process.ts', args, {
    nodeArgs,
    onLine: (line) => {
      let msg: { progress?: string; result?: T };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.progress !== undefined) ctx.log(`billing: ${msg.progress}`);
      if (msg.result !== undefined) result = msg.result;
    },
  });
  const closed = once(proc.child.stdout as NodeJS.ReadableStream, 'close'); // every line read
  const onAbort = () => { void stopProcess(proc); };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const [{ code, signal }] = await Promise.all([proc.exited, closed]);
    if (result === undefined) throw new Error(`billing-process ${args[0]} ended (${code ?? signal}) without a result:\n${proc.stderr.slice(-20).join('\n')}`);
    return result;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const s = (ms: number) => (ms / 1000).toFixed(2);
const mb = (kb: number) => round(kb / 1024, 0);

/** The checks of one run: every one that fails is a problem of the bench's output. */
function check(f: MonthFacts, r: RunFigures): string[] {
  const problems: string[] = [];
  const expect = (what: string, got: number | boolean, want: number | boolean) => {
    if (got !== want) problems.push(`${what}: ${String(got)}, expected ${String(want)}`);
  };
  expect('invoices issued', r.summary.issued, f.accountsToInvoice);
  expect('accounts with nothing to bill', r.summary.nothingToBill, f.accountsWithUsage - f.accountsToInvoice);
  expect('accounts already issued on the first run', r.summary.alreadyIssued, 0);
  expect('invoices in the table', r.invoices, r.summary.issued);
  expect('sessions and bookings marked rated', r.rated.records, f.sessions + f.deskBookings + f.roomBookings);
  expect('persons with network bytes rated', r.rated.networkRows, f.netPersons);
  expect('network bytes rated', r.rated.networkBytes, f.netBytes);
  expect('hash chain verifies', r.chain.ok, true);
  expect('documents in the chain', r.chain.documents, r.chain.expected);
  expect('network rows a re-run added to rated_network', r.rerun.networkRowsAdded, 0);
  expect('rating warnings', r.summary.warnings, 0);
  expect('invoices issued by a re-run', r.rerun.issued, 0);
  expect('invoices after a re-run', r.rerun.invoicesAfter, r.invoices);
  if (r.summary.firstWarnings.length > 0) problems.push(`first warnings: ${r.summary.firstWarnings.join(' | ')}`);
  return problems;
}

export async function measureBilling(ctx: BenchContext, params: BillingParams = billingDefaults): Promise<ScenarioOutcome> {
  const { runs, history: defaultHistory, ...month } = params;
  const history = ctx.billingHistory ?? defaultHistory;
  const { nodeArgs, env } = controllerSettings(); // --profile, --controller-node-args and DB_SYNCHRONOUS apply to the run's process
  const synchronous = env.DB_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
  const dir = tempDir('mf-bench-billing-');
  const notes: string[] = [];
  const problems: string[] = [];
  try {
    const file = join(dir, 'month.db');
    ctx.log(`billing: generating ${fmt(month.members)} members and ${fmt(month.events)} usage events of ${month.period} (seed ${month.seed})`);
    const gen = await child<Generated>(ctx, ['generate', file, JSON.stringify(month)]);
    const f = gen.facts;
    const counted = f.sessions + f.deskBookings + f.roomBookings + f.netRows;
    if (counted !== month.events) problems.push(`billing: the generator wrote ${counted} usage events, not ${month.events}`);
    notes.push(`billing: ${month.period} (${month.timeZone}), seed ${month.seed}: ${fmt(f.people)} members (${Object.entries(f.byProfile).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}), `
      + `${fmt(f.companies)} companies, ${fmt(f.subscriptions)} subscriptions; ${fmt(f.accountsWithUsage)} accounts with usage, ${fmt(f.accountsToInvoice)} to invoice`);
    notes.push(`billing: ${fmt(counted)} usage events = ${fmt(f.sessions)} presence sessions + ${fmt(f.deskBookings)} desk bookings + ${fmt(f.roomBookings)} room bookings `
      + `+ ${fmt(f.netRows)} hourly network rows (${fmt(f.netPresentRows)} while present, ${fmt(f.netRows - f.netPresentRows)} of devices left connected); `
      + `also written, not counted (the run filters them out): ${fmt(f.notCounted.cancelledBookings)} cancelled bookings, ${fmt(f.notCounted.uplinkAndZoneNetRows)} uplink and zone rows; `
      + `generated in ${s(gen.ms)} s (not timed), database ${gen.dbMb} MB`);

    const times: number[] = [];
    for (let i = 1; i <= runs && !ctx.signal.aborted; i++) {
      const copy = join(dir, `run-${i}.db`);
      copyFileSync(file, copy);
      ctx.log(`billing: run ${i}/${runs} of ${month.period} (synchronous=${synchronous}${history > 0 ? `, after ${history} earlier month(s)` : ''})`);
      const r = await child<RunFigures>(ctx, ['run', copy, JSON.stringify(month), synchronous, String(history)], nodeArgs);
      times.push(r.runMs);
      const failed = check(f, r);
      problems.push(...failed.map((p) => `billing run ${i}: ${p}`));
      const p = r.phases;
      const top = p.queries.slice(0, 3).map((q) => `${s(q.ms)} s for ${fmt(q.rows)} rows of "${q.sql.slice(0, 48)}…"`).join(', ');
      const other = p.issueMs - p.ledgerIssueMs - p.buyerMs - p.beginCommitMs;
      notes.push(`billing: run ${i}${history > 0 ? ` (after billing ${r.history.periods.join(', ')} in ${s(r.history.ms)} s, not timed)` : ''}: ${s(r.runMs)} s = `
        + `SQL reads ${s(p.sqlMs)} s (${p.sqlQueries} queries, ${fmt(p.sqlRows)} rows; ${top}) + grouping and rating ${s(p.rateMs)} s `
        + `+ issuing ${s(p.issueMs)} s (ledger.issue ${s(p.ledgerIssueMs)} s, buyerFor ${s(p.buyerMs)} s, BEGIN IMMEDIATE + COMMIT of ${fmt(p.transactions)} transactions `
        + `${s(p.beginCommitMs)} s with synchronous=${synchronous}, the rest ${s(other)} s: rated-record inserts, lookups); `
        + `RSS ${mb(r.rssKb.before)} MB before the run → ${mb(r.rssKb.after)} MB after (peak ${mb(r.rssKb.peak)} MB)`);
      if (i === 1) {
        const codes = Object.entries(r.linesByCode).map(([code, n]) => `${code} ${fmt(n)}`).join(', ');
        notes.push(`billing: ${fmt(r.summary.issued)} invoices issued, ${fmt(r.summary.nothingToBill)} accounts with nothing to bill `
          + `(${failed.length === 0 ? 'every check against the generated month passed ✓' : `${failed.length} check(s) FAILED: see the problems`}), `
          + `${fmt(r.lines)} lines (${codes}), ${fmt(Math.round(r.totals.htCents / 100))} € HT; ${fmt(r.rated.records)} sessions and bookings marked rated, `
          + `the network bytes of ${fmt(r.rated.networkRows)} persons; chain of ${fmt(r.chain.documents)} documents verified in ${s(r.chain.ms)} s; `
          + `a re-run issued ${r.rerun.issued} (${fmt(r.rerun.alreadyIssued)} already issued) in ${s(r.rerun.ms)} s`);
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    notes.push(`billing: runs ${times.map(s).join(', ')} s, median ${s(median)} s (each in a fresh process on its own copy of the month)`);
    return { values: [{ metric: 'billing_month_s', value: round(median / 1000, 2), unit: 's' }], notes, problems };
  } finally {
    removeDir(dir);
  }
}

export const billingScenario: Scenario = { name: 'billing', metrics: billingMetrics, run: (ctx) => measureBilling(ctx) };
