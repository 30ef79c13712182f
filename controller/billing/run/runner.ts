import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { InvoiceLineInput } from '../lines.js';
import type { BillingAccounts, Ledger, StoredInvoice } from '../ledger/index.js';
import {
  rateAccount, rateLateUsage, RatingError, type AccountUsage, type BillingAccount, type LateUsage, type RatedRecords, type RatingResult,
} from '../rating/index.js';
import type { Tariff } from '../tariff/index.js';
import { formatPeriod, type Period } from './periods.js';
import { loadPeriodUsage, type AccountKey } from './usage.js';

export const runnerDefaults = {
  accountsPerTransaction: 50, // invoices issued per COMMIT: few commits, and the write lock is never held long
};

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';

/** One account's invoice as the run would issue it (a preview) or did (a run). */
export interface AccountBill {
  account: BillingAccount;
  lines: InvoiceLineInput[];
  warnings: string[];
  invoice?: StoredInvoice;
}

export interface RunSummary {
  runId: number;
  period: Period;
  trigger: RunTrigger;
  issued: number;
  /** Accounts that already had their invoice for the period (a re-run): nothing changed for them. */
  alreadyIssued: number;
  /** Accounts with usage but nothing to bill (staff-like rules, days under the minimum). */
  nothingToBill: number;
  /** Accounts the tariff could not rate (an unknown plan): not invoiced, left for the next run. */
  held: AccountKey[];
  warnings: string[];
  ms: number;
}

interface Rated { usage: AccountUsage; records: RatedRecords }

/**
 * The monthly billing run: reads the period's usage (and the late usage of periods already run),
 * rates each account, and issues its invoice in one transaction with the records it rated, so a
 * re-run or a concurrent run issues nothing twice and a late record is billed exactly once.
 */
export class BillingRunner {
  readonly #insertRun: Database.Statement;
  readonly #finishRun: Database.Statement;
  readonly #rateRecord: Database.Statement;
  readonly #rateNetwork: Database.Statement;
  readonly #ratedBytes: Database.Statement<[number, string], { bytes: number }>;

  constructor(private readonly deps: {
    sqlite: Database.Database; ledger: Ledger; accounts: BillingAccounts; tariff: () => Tariff; timeZone: string;
    clock: () => number; logger: Logger;
  }) {
    const { sqlite } = deps;
    this.#insertRun = sqlite.prepare('INSERT INTO billing_runs (period, trigger, by, started_at) VALUES (?, ?, ?, ?)');
    this.#finishRun = sqlite.prepare('UPDATE billing_runs SET finished_at = ?, invoices = ?, error = ? WHERE id = ?');
    this.#rateRecord = sqlite.prepare('INSERT OR IGNORE INTO rated_records (source, record_id, period, invoice_id, run_id) VALUES (?, ?, ?, ?, ?)');
    this.#rateNetwork = sqlite.prepare('INSERT OR IGNORE INTO rated_network (person_id, period, run_id, bytes, invoice_id) VALUES (?, ?, ?, ?, ?)');
    this.#ratedBytes = sqlite.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM rated_network WHERE person_id = ? AND period = ?');
  }

  /** The latest period a run finished for, or null before the first run. */
  lastRunPeriod(): Period | null {
    const row = this.deps.sqlite.prepare('SELECT max(period) AS p FROM billing_runs WHERE finished_at IS NOT NULL AND error IS NULL').get() as { p: string | null };
    return row.p;
  }

  /**
   * What a run of `period` would issue now, issuing nothing: for a manager, or a member's own account.
   * Accounts already invoiced for the period are left out, as the run leaves them.
   */
  preview(period: Period, account?: BillingAccount): AccountBill[] {
    const { reader } = this.deps.ledger;
    return [...this.#rate(period, account).bills.values()].map(({ bill }) => bill)
      .filter((bill) => reader.findForPeriod(bill.account, period) === undefined);
  }

  /** Rates and issues `period`; safe to repeat (accounts already invoiced are left as they are). */
  run(period: Period, trigger: RunTrigger, by: string): RunSummary {
    const steps = this.#steps(period, trigger, by);
    for (let step = steps.next(); ; step = steps.next()) if (step.done === true) return step.value;
  }

  /**
   * The same run, giving the event loop back between batches of invoices: run inside the
   * controller (the monthly job, a manager's request), it must not keep doors and devices
   * waiting for the whole run — only for one batch at a time.
   */
  async runInSlices(period: Period, trigger: RunTrigger, by: string): Promise<RunSummary> {
    const steps = this.#steps(period, trigger, by);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The run, one yield after the rating and after each batch of invoices. */
  *#steps(period: Period, trigger: RunTrigger, by: string): Generator<void, RunSummary> {
    const started = this.deps.clock();
    const t0 = performance.now();
    const runId = Number(this.#insertRun.run(period, trigger, by, started).lastInsertRowid);
    const summary: RunSummary = { runId, period, trigger, issued: 0, alreadyIssued: 0, nothingToBill: 0, held: [], warnings: [], ms: 0 };
    try {
      const { bills, held } = this.#rate(period);
      summary.held = held;
      yield;
      // Accounts are issued a batch per transaction: a COMMIT per account cost more than the issuing itself.
      const all = [...bills.values()];
      const batch = this.deps.sqlite.transaction((part: typeof all) => {
        for (const { bill, rated } of part) {
          summary.warnings.push(...bill.warnings);
          summary[this.#issue(period, runId, bill, rated)] += 1;
        }
      });
      for (let i = 0; i < all.length; i += runnerDefaults.accountsPerTransaction) {
        batch.immediate(all.slice(i, i + runnerDefaults.accountsPerTransaction));
        yield;
      }
      // With accounts held, the period counts as not run: the next start or schedule tries it again (idempotently).
      const error = held.length === 0 ? null : `${held.length} account(s) could not be rated: ${held.slice(0, 5).join(', ')}`;
      this.#finishRun.run(this.deps.clock(), summary.issued, error, runId);
    } catch (err) {
      this.#finishRun.run(this.deps.clock(), summary.issued, err instanceof Error ? err.message : String(err), runId);
      throw err;
    }
    summary.ms = Math.round(performance.now() - t0);
    this.deps.logger.info({ period, trigger, by, issued: summary.issued, alreadyIssued: summary.alreadyIssued, ms: summary.ms }, 'billing run');
    if (summary.warnings.length > 0) this.deps.logger.warn({ period, warnings: summary.warnings.slice(0, 20) }, 'billing run warnings');
    return summary;
  }

  #rate(period: Period, only?: BillingAccount): { bills: Map<AccountKey, { bill: AccountBill; rated: Rated[] }>; held: AccountKey[] } {
    const tariff = this.deps.tariff();
    const usage = loadPeriodUsage(this.deps.sqlite, period, this.deps.timeZone, only === undefined ? {} : { account: only });
    const out = new Map<AccountKey, { bill: AccountBill; rated: Rated[] }>();
    const entry = (key: AccountKey, account: BillingAccount) => {
      let e = out.get(key);
      if (e === undefined) {
        e = { bill: { account, lines: [], warnings: [] }, rated: [] };
        out.set(key, e);
      }
      return e;
    };
    const held = new Set<AccountKey>();
    const rateSafely = <U>(key: AccountKey, rate: (u: U, t: Tariff) => RatingResult, u: U): RatingResult | undefined => {
      try {
        return rate(u, tariff);
      } catch (err) {
        if (!(err instanceof RatingError)) throw err;
        // One account the tariff cannot rate must not hold up everyone's invoices: it waits, unrated, for the next run.
        held.add(key);
        this.deps.logger.error({ account: key, period, err: err.message }, 'account not rated');
        return undefined;
      }
    };
    for (const [key, u] of usage.accounts) {
      const r = rateSafely(key, rateAccount, u);
      if (r === undefined) continue;
      const e = entry(key, u.account);
      e.bill.lines.push(...r.lines);
      e.bill.warnings.push(...r.warnings);
      e.rated.push({ usage: u, records: r.rated });
    }
    for (const [key, lates] of usage.late) {
      for (const u of lates) {
        const r = rateSafely(key, rateLateUsage, u);
        if (r === undefined) continue;
        const e = entry(key, u.account);
        e.bill.lines.push(...r.lines);
        e.bill.warnings.push(...r.warnings);
        e.rated.push({ usage: u, records: r.rated });
      }
    }
    for (const key of held) out.delete(key);
    return { bills: out, held: [...held] };
  }

  #issue(period: Period, runId: number, bill: AccountBill, rated: Rated[]): 'issued' | 'alreadyIssued' | 'nothingToBill' {
    const { ledger, accounts, sqlite } = this.deps;
    const write = sqlite.transaction((): 'issued' | 'alreadyIssued' | 'nothingToBill' => {
      if (ledger.reader.findForPeriod(bill.account, period) !== undefined) return 'alreadyIssued';
      const invoice = bill.lines.length === 0 ? undefined
        : ledger.issue({ account: bill.account, period, buyer: accounts.buyerFor(bill.account), lines: bill.lines, runId });
      const invoiceId = invoice?.id ?? null;
      for (const { usage, records } of rated) {
        const p = formatPeriod(usage.period.year, usage.period.month);
        for (const id of records.presenceSessionIds) this.#rateRecord.run('presence_session', id, p, invoiceId, runId);
        for (const id of records.bookingIds) this.#rateRecord.run('booking', id, p, invoiceId, runId);
        // The bytes of the period rated once this commits: what the rating saw (for late usage, the bytes rated
        // before plus the late ones). Only what is not recorded yet is recorded: an account with nothing to bill
        // is rated again by a re-run (or a concurrent run), and its bytes must not count twice.
        const bytes = new Map<number, number>();
        for (const n of usage.network) bytes.set(n.personId, (bytes.get(n.personId) ?? 0) + n.bytes);
        const earlier = new Map(((usage as LateUsage).earlierNetworkBytes ?? []).map((e) => [e.personId, e.bytes]));
        for (const [personId, b] of bytes) {
          const delta = (earlier.get(personId) ?? 0) + b - (this.#ratedBytes.get(personId, p) as { bytes: number }).bytes;
          if (delta > 0) this.#rateNetwork.run(personId, p, runId, delta, invoiceId);
        }
      }
      if (invoice !== undefined) bill.invoice = invoice;
      return invoice === undefined ? 'nothingToBill' : 'issued';
    });
    return write.immediate();
  }
}
