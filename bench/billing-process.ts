import { statSync } from 'node:fs';
import { pino } from 'pino';
import { localToEpoch } from '../controller/access/local-time.js';
import { BillingAccounts, Ledger } from '../controller/billing/ledger/index.js';
import { addMonths } from '../controller/billing/run/periods.js';
import { BillingRunner, type RunSummary } from '../controller/billing/run/runner.js';
import { loadTariff } from '../controller/billing/tariff/index.js';
import { loadConfig } from '../controller/config.js';
import { openDatabase } from '../controller/db/open.js';
import { copyToEarlierMonths, generateMonth, type MonthFacts, type MonthParams } from './billing-data.js';

/**
 * The billing benchmark's child process; bench/scenarios/billing.ts starts it twice, so that the
 * run's process holds nothing of the generation (its memory, its statements, its page cache):
 *   tsx bench/billing-process.ts generate FILE PARAMS_JSON       writes the month, prints its facts
 *   tsx bench/billing-process.ts run FILE PARAMS_JSON FULL|NORMAL [HISTORY]  times BillingRunner.run, prints what it finds
 * HISTORY: earlier months (copies of the month's usage) billed first, not timed.
 * stdout: one JSON object per line, {"progress": TEXT} or {"result": …}.
 */

export interface RunFigures {
  summary: Omit<RunSummary, 'warnings'> & { warnings: number; firstWarnings: string[] };
  runMs: number;
  /** Where the run's time went, measured inside the same run (see phasesOf). */
  phases: {
    sqlMs: number; sqlQueries: number; sqlRows: number; queries: Array<{ sql: string; ms: number; rows: number }>;
    rateMs: number; issueMs: number; ledgerIssueMs: number; buyerMs: number; transactions: number; beginCommitMs: number;
  };
  rssKb: { before: number; after: number; peak: number };
  /** Of the benchmarked period. */
  invoices: number;
  lines: number;
  linesByCode: Record<string, number>;
  totals: { htCents: number; ttcCents: number };
  rated: { records: number; networkRows: number; networkBytes: number };
  /** The whole chain, earlier months included: `expected` is the number of documents in the table. */
  chain: { ok: boolean; documents: number; expected: number; ms: number };
  /** The same period run again: nothing may be issued; rated_network should not grow either. */
  rerun: { issued: number; alreadyIssued: number; ms: number; invoicesAfter: number; networkRowsAdded: number; networkBytesAdded: number };
  dbMb: number;
  /** The earlier months billed before the timed run, and how long that took (not timed). */
  history: { periods: string[]; ms: number };
}

/** A fictional but valid seller, so documents are not specimens (the same as the ledger's tests). */
const SELLER_ENV = {
  SELLER_NAME: 'SPL Ménil-Flin Innovation', SELLER_ADDRESS: 'Ancien petit séminaire, 1 rue du Château', SELLER_POSTCODE: '54120',
  SELLER_CITY: 'Ménil-Flin', SELLER_SIREN: '123 456 782', SELLER_SIRET: '12345678200010', SELLER_VAT_NUMBER: 'FR11123456782',
};
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const rssKb = () => Math.round(process.memoryUsage().rss / 1024);

function generate(file: string, params: MonthParams): void {
  const t0 = performance.now();
  const db = openDatabase(file);
  db.sqlite.pragma('synchronous = OFF'); // generation only: not measured, and the file is thrown away
  const facts: MonthFacts = generateMonth(db.sqlite, params, (line) => out({ progress: line }));
  db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  out({ result: { facts, ms: Math.round(performance.now() - t0), dbMb: Math.round(statSync(file).size / 1e5) / 10 } });
}

function run(file: string, params: MonthParams, synchronous: 'FULL' | 'NORMAL', history: number): void {
  const db = openDatabase(file, { synchronous });
  const { sqlite } = db;
  const { period, timeZone } = params;
  const tariff = loadTariff();
  const seller = loadConfig(SELLER_ENV).seller;
  const runnerFor = (p: string) => {
    const runAt = localToEpoch(`${addMonths(p, 1)}-01`, 2 * 60, timeZone); // the scheduled run: the 1st at 02:00
    const clock = () => runAt;
    const ledger = new Ledger({ sqlite, clock, timeZone, seller });
    const accounts = new BillingAccounts({ sqlite, clock });
    const runner = new BillingRunner({ sqlite, ledger, accounts, tariff: () => tariff, timeZone, clock, logger: pino({ level: 'silent' }) });
    return { ledger, accounts, runner };
  };
  const h0 = performance.now();
  const earlier = history > 0 ? copyToEarlierMonths(sqlite, params, history) : [];
  for (const p of earlier) {
    out({ progress: `billing ${p} first (a copy of ${period}'s usage, not timed)` });
    runnerFor(p).runner.run(p, 'manual', 'bench (history)');
  }
  const historyMs = performance.now() - h0;
  const { ledger, accounts, runner } = runnerFor(period);
  const phases = phasesOf(sqlite, ledger, accounts);

  const before = rssKb();
  const t0 = performance.now();
  phases.start(t0);
  const summary = runner.run(period, 'manual', 'bench');
  const runMs = performance.now() - t0;
  const split = phases.stop(t0 + runMs);
  const after = rssKb();
  const peak = process.resourceUsage().maxRSS; // KiB

  const one = <T>(sql: string, ...args: unknown[]) => sqlite.prepare(sql).get(...args) as T;
  const ratedNetwork = () => one<{ n: number; bytes: number }>('SELECT count(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM rated_network WHERE period = ?', period);
  const totals = one<{ ht: number; ttc: number }>("SELECT COALESCE(SUM(total_ht_cents), 0) AS ht, COALESCE(SUM(total_ttc_cents), 0) AS ttc FROM invoices WHERE period = ? AND doc_type = 'invoice'", period);
  const net = ratedNetwork();
  const codes = sqlite.prepare(`SELECT code, count(*) AS n FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE period = ?)
    GROUP BY code ORDER BY n DESC`).all(period) as Array<{ code: string; n: number }>;
  const countInvoices = () => one<{ n: number }>("SELECT count(*) AS n FROM invoices WHERE period = ? AND doc_type = 'invoice'", period).n;
  const invoices = countInvoices();
  const documents = one<{ n: number }>('SELECT count(*) AS n FROM invoices').n;
  const lines = one<{ n: number }>('SELECT count(*) AS n FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE period = ?)', period).n;
  const records = one<{ n: number }>('SELECT count(*) AS n FROM rated_records WHERE period = ?', period).n;
  const c0 = performance.now();
  const chain = ledger.verifyChain();
  const chainMs = performance.now() - c0;
  const r0 = performance.now();
  const again = runner.run(period, 'manual', 'bench (re-run)');
  const rerunMs = performance.now() - r0;
  const netAfter = ratedNetwork();
  const figures: RunFigures = {
    summary: { ...summary, warnings: summary.warnings.length, firstWarnings: summary.warnings.slice(0, 5) },
    runMs: Math.round(runMs),
    phases: split,
    rssKb: { before, after, peak },
    invoices,
    lines,
    linesByCode: Object.fromEntries(codes.map((c) => [c.code, c.n])),
    totals: { htCents: totals.ht, ttcCents: totals.ttc },
    rated: { records, networkRows: net.n, networkBytes: net.bytes },
    chain: { ok: chain.ok, documents: chain.documents, expected: documents, ms: Math.round(chainMs) },
    rerun: {
      issued: again.issued, alreadyIssued: again.alreadyIssued, ms: Math.round(rerunMs),
      invoicesAfter: countInvoices(),
      networkRowsAdded: netAfter.n - net.n, networkBytesAdded: netAfter.bytes - net.bytes,
    },
    dbMb: Math.round(statSync(file).size / 1e5) / 10,
    history: { periods: earlier, ms: Math.round(historyMs) },
  };
  db.close();
  out({ result: figures });
}

/**
 * Cuts the run's wall time without changing its code: SELECT statements' .all() (the usage reader's
 * queries, rows made into objects by better-sqlite3); from then until the first account's issuing
 * transaction (its lookup of an existing invoice) the JavaScript that groups and rates; the rest is
 * issuing, of which ledger.issue, buyerFor, and the transactions' own BEGIN IMMEDIATE + COMMIT (WAL
 * writes, fsync, checkpoints: a transaction's time minus its function's) are timed apart. A few
 * performance.now() calls per query and per account: no measurable cost.
 */
function phasesOf(sqlite: ReturnType<typeof openDatabase>['sqlite'], ledger: Ledger, accounts: BillingAccounts) {
  let on = false;
  let t0 = 0, sqlMs = 0, sqlRows = 0, ledgerIssueMs = 0, buyerMs = 0, txMs = 0, txInnerMs = 0, transactions = 0;
  let firstIssue: number | undefined;
  const queries: Array<{ sql: string; ms: number; rows: number }> = [];
  const timed = <A extends unknown[], R>(fn: (...a: A) => R, add: (ms: number) => void) => (...a: A): R => {
    const t = performance.now();
    try { return fn(...a); } finally { if (on) add(performance.now() - t); }
  };
  const prepare = sqlite.prepare.bind(sqlite) as (...a: unknown[]) => ReturnType<typeof sqlite.prepare>;
  sqlite.prepare = ((...args: unknown[]) => {
    const st = prepare(...args);
    const source = String(args[0]);
    if (!/^\s*SELECT/i.test(source)) return st;
    const all = st.all.bind(st) as (...a: unknown[]) => unknown[];
    (st as unknown as { all: typeof all }).all = (...a: unknown[]) => {
      if (!on) return all(...a);
      const t = performance.now();
      const rows = all(...a);
      const ms = performance.now() - t;
      sqlMs += ms;
      sqlRows += rows.length;
      queries.push({ sql: source.replace(/\s+/g, ' ').slice(0, 70), ms: Math.round(ms), rows: rows.length });
      return rows;
    };
    return st;
  }) as typeof sqlite.prepare;
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = (<F extends (...a: unknown[]) => unknown>(fn: F) => {
    const tx = transaction(timed(fn, (ms) => { txInnerMs += ms; }));
    const count = (ms: number) => { txMs += ms; transactions++; };
    return Object.assign(timed(tx, count), {
      default: timed(tx.default, count), deferred: timed(tx.deferred, count), immediate: timed(tx.immediate, count),
      exclusive: timed(tx.exclusive, count),
    });
  }) as unknown as typeof sqlite.transaction;
  const find = ledger.reader.findForPeriod.bind(ledger.reader);
  ledger.reader.findForPeriod = (...a) => {
    if (on) firstIssue ??= performance.now();
    return find(...a);
  };
  ledger.issue = timed(ledger.issue.bind(ledger), (ms) => { ledgerIssueMs += ms; });
  accounts.buyerFor = timed(accounts.buyerFor.bind(accounts), (ms) => { buyerMs += ms; });
  const r = (ms: number) => Math.round(ms);
  return {
    start: (at: number) => { on = true; t0 = at; },
    stop: (end: number): RunFigures['phases'] => {
      on = false;
      const issuing = firstIssue ?? end;
      return {
        sqlMs: r(sqlMs), sqlQueries: queries.length, sqlRows, queries: [...queries].sort((a, b) => b.ms - a.ms),
        rateMs: r(issuing - t0 - sqlMs), issueMs: r(end - issuing), ledgerIssueMs: r(ledgerIssueMs), buyerMs: r(buyerMs),
        transactions, beginCommitMs: r(txMs - txInnerMs),
      };
    },
  };
}

const [mode, file, paramsJson, sync, history] = process.argv.slice(2);
if (file === undefined || paramsJson === undefined) throw new Error('usage: billing-process.ts generate|run FILE PARAMS_JSON [FULL|NORMAL]');
const params = JSON.parse(paramsJson) as MonthParams;
if (mode === 'generate') generate(file, params);
else if (mode === 'run') run(file, params, sync === 'NORMAL' ? 'NORMAL' : 'FULL', Number(history ?? 0));
else throw new Error(`unknown mode ${mode}`);
