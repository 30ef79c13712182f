/**
 * A real SQLite file in a temp folder, migrated, with builders for what the billing run reads
 * (people, companies, subscriptions, presence sessions, bookings, network hours) inserted with
 * plain SQL, and a BillingRunner over it with an injected clock. Every instant is written as an
 * ISO string with its UTC offset spelled out (+02:00 in summer, +01:00 in winter in Paris), so
 * the arithmetic of each test can be checked by hand without trusting the code under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { pino } from 'pino';
import { BillingAccounts, Ledger, type StoredInvoice, type StoredLine } from '../../../controller/billing/ledger/index.js';
import { runDueAt, type Period } from '../../../controller/billing/run/periods.js';
import { BillingRunner, type RunSummary } from '../../../controller/billing/run/runner.js';
import { HOUR_MS } from '../../../controller/billing/run/usage.js';
import { utcOffset } from '../../../controller/access/local-time.js';
import { loadTariff } from '../../../controller/billing/tariff/load.js';
import type { SellerConfig } from '../../../controller/config.js';
import { openDatabase, type OpenDb } from '../../../controller/db/open.js';
import { completeSeller } from '../ledger/helpers.js';

export const TZ = 'Europe/Paris';
export const RUN_AT = { day: 1, minutes: 2 * 60 }; // the run of a month is due on the 1st of the next at 02:00 local
export const NBSP = '\u00a0'; // frEuros writes '240,00 €' with no-break spaces

// The ledger tests' seller: one fictional, valid identity for every billing test.
export { completeSeller, SELLER_ENV, unsetSeller as emptySeller } from '../ledger/helpers.js';

/** Epoch ms of an ISO instant with its offset; throws on a typo rather than producing NaN. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad date in a test: ${iso}`);
  return ms;
};

export type PersonKind = 'member' | 'resident' | 'trainee' | 'staff' | 'visitor';

export interface BookingInput {
  personId: number | null;
  resourceId: string;
  resourceKind?: 'room' | 'desk';
  zoneId?: string;
  kind?: 'booking' | 'block';
  from: string;
  to: string;
  status?: 'confirmed' | 'cancelled' | 'released';
  releasedAt?: string;
}

/** Builders over the raw connection: usable on any connection to the fixture's file. */
export function builders(sqlite: Database.Database) {
  const one = (stmt: Database.Statement, ...args: unknown[]): number => (stmt.get(...args) as { id: number }).id;
  const q = {
    company: sqlite.prepare('INSERT INTO companies (name, created_at) VALUES (?, 0) RETURNING id'),
    person: sqlite.prepare('INSERT INTO people (kind, name, email, company_id, created_at) VALUES (?, ?, ?, ?, 0) RETURNING id'),
    subscription: sqlite.prepare(`INSERT INTO subscriptions (person_id, company_id, plan_id, starts_at, ends_at, created_by, created_at)
      VALUES (?, ?, ?, ?, ?, 'test', 0) RETURNING id`),
    session: sqlite.prepare(`INSERT INTO presence_sessions (person_id, started_at, ended_at, end_reason, last_signal_at)
      VALUES (?, ?, ?, ?, ?) RETURNING id`),
    booking: sqlite.prepare(`INSERT INTO bookings (resource_id, resource_kind, zone_id, person_id, kind, title, starts_at, ends_at, status,
        access_from, access_until, created_by, created_at, updated_at, cancelled_at, cancelled_by, released_at)
      VALUES (@resourceId, @resourceKind, @zoneId, @personId, @kind, NULL, @from, @to, @status,
        @from, @to, 'test', 0, 0, @cancelledAt, @cancelledBy, @releasedAt) RETURNING id`),
    // A meter catching up adds bytes to an hour already counted, as the metering rollup does.
    net: sqlite.prepare(`INSERT INTO net_usage_hourly (hour, subject_type, subject_id, rx_bytes, tx_bytes) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (hour, subject_type, subject_id) DO UPDATE SET rx_bytes = rx_bytes + excluded.rx_bytes, tx_bytes = tx_bytes + excluded.tx_bytes`),
  };
  return {
    company: (name: string): number => one(q.company, name),
    person: (kind: PersonKind, name: string, companyId: number | null = null): number =>
      one(q.person, kind, name, `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`, companyId),
    /** A plan held from `from` until `until` (exclusive; null: running), by a person or (personId null) a company. */
    subscription: (s: { personId?: number; companyId?: number; planId: string; from: string; until?: string }): number =>
      one(q.subscription, s.personId ?? null, s.companyId ?? null, s.planId, at(s.from), s.until === undefined ? null : at(s.until)),
    /** A presence session; `to` null: still open. */
    session: (personId: number, from: string, to: string | null): number =>
      one(q.session, personId, at(from), to === null ? null : at(to), to === null ? null : 'exit', at(to ?? from)),
    booking: (b: BookingInput): number => {
      const status = b.status ?? 'confirmed';
      return one(q.booking, {
        resourceId: b.resourceId,
        resourceKind: b.resourceKind ?? (b.resourceId.startsWith('desk') ? 'desk' : 'room'),
        zoneId: b.zoneId ?? b.resourceId,
        personId: b.personId,
        kind: b.kind ?? 'booking',
        from: at(b.from),
        to: at(b.to),
        status,
        cancelledAt: status === 'cancelled' ? at(b.from) - 86_400_000 : null,
        cancelledBy: status === 'cancelled' ? 'test' : null,
        releasedAt: b.releasedAt === undefined ? null : at(b.releasedAt),
      });
    },
    /**
     * Bytes (rx + tx) of a person's devices in the hour starting at `hour` (a whole UTC hour); added to
     * what the hour already holds. Returns the evidence id of its day: the local day's number since 1970-01-01.
     */
    net: (personId: number, hour: string, rx: number, tx = 0): number => {
      const h = at(hour);
      if (h % HOUR_MS !== 0) throw new Error(`not a whole hour: ${hour}`);
      q.net.run(h, 'person', String(personId), rx, tx);
      return Math.floor((h + utcOffset(h, TZ)) / 86_400_000);
    },
    /** Traffic counted against an office zone's own ports (not billed to anyone). */
    netZone: (zoneId: string, hour: string, bytes: number): void => {
      q.net.run(at(hour), 'zone', zoneId, bytes, 0);
    },
  };
}

export type Builders = ReturnType<typeof builders>;

export interface RunFixture extends Builders {
  dir: string;
  file: string;
  db: OpenDb;
  sqlite: Database.Database;
  now: { t: number };
  clock: () => number;
  ledger: Ledger;
  accounts: BillingAccounts;
  runner: BillingRunner;
  /** Runs `period` at the time its run is due (the 1st of the next month, 02:00 local), or at `atMs`. */
  run(period: Period, atMs?: number): RunSummary;
  /** Every document of the ledger, in issue order. */
  invoices(): StoredInvoice[];
  invoiceOf(account: { kind: 'person' | 'company'; id: number }, period: Period): StoredInvoice | undefined;
  /** What the run tables and the ledger hold, to compare before and after a re-run. */
  snapshot(): Record<string, unknown>;
  close(): void;
}

export function openRunFixture(opts: { seller?: SellerConfig } = {}): RunFixture {
  const dir = mkdtempSync(join(tmpdir(), 'mf-billing-run-'));
  const file = join(dir, 'controller.db');
  const db = openDatabase(file, { synchronous: 'NORMAL' });
  const { sqlite } = db;
  const now = { t: at('2026-11-01T00:00:00+01:00') };
  const clock = () => now.t;
  const seller = opts.seller ?? completeSeller();
  const ledger = new Ledger({ sqlite, clock, timeZone: TZ, seller });
  const accounts = new BillingAccounts({ sqlite, clock });
  const tariff = loadTariff();
  const logger = pino({ level: 'silent' });
  const runner = new BillingRunner({ sqlite, ledger, accounts, tariff: () => tariff, timeZone: TZ, clock, logger });
  const all = <T>(sql: string) => sqlite.prepare(sql).all() as T[];
  return {
    ...builders(sqlite),
    dir, file, db, sqlite, now, clock, ledger, accounts, runner,
    run: (period, atMs) => {
      now.t = atMs ?? runDueAt(period, TZ, RUN_AT);
      return runner.run(period, 'manual', 'test');
    },
    invoices: () => all<{ id: number }>('SELECT id FROM invoices ORDER BY id').map((r) => ledger.get(r.id) as StoredInvoice),
    invoiceOf: (account, period) => ledger.findForPeriod(account, period),
    snapshot: () => ({
      invoices: all('SELECT * FROM invoices ORDER BY id'),
      lines: all('SELECT * FROM invoice_lines ORDER BY id'),
      ratedRecords: all('SELECT * FROM rated_records ORDER BY source, record_id, period'),
      ratedNetwork: all('SELECT * FROM rated_network ORDER BY person_id, period, run_id'),
      chain: ledger.verifyChain(),
    }),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A line as the tests write it: what the rating handed over plus what the ledger added (VAT), no position. */
export interface ExpectedLine {
  code: string;
  description: string;
  personId: number | null;
  /** Thousandths, as stored: 1.5 h is 1500. */
  quantityMilli: number;
  unit: StoredLine['unit'];
  unitPriceCents: number;
  amountCents: number;
  vatRateBp: number;
  vatCents: number;
  evidence: StoredLine['evidence'];
}

/** Evidence compared as a set: the order inside a line is the order records were met, not a rule. */
const sortedEvidence = (ev: StoredLine['evidence']) => [...ev].sort((a, b) => a.kind.localeCompare(b.kind) || a.id - b.id);

/** The stored lines in print order, without positions and with their evidence sorted, for toEqual. */
export function linesOf(invoice: StoredInvoice): ExpectedLine[] {
  invoice.lines.forEach((l, i) => {
    if (l.position !== i + 1) throw new Error(`${invoice.number}: line ${i} has position ${l.position}`);
  });
  return invoice.lines.map(({ position: _p, evidence, ...rest }) => ({ ...rest, evidence: sortedEvidence(evidence) }));
}

export function expected(lines: ExpectedLine[]): ExpectedLine[] {
  return lines.map((l) => ({ ...l, evidence: sortedEvidence(l.evidence) }));
}

export const sessionsEv = (...ids: number[]) => ids.map((id) => ({ kind: 'presence_session' as const, id }));
export const bookingsEv = (...ids: number[]) => ids.map((id) => ({ kind: 'booking' as const, id }));
/** The run reads network use as one record per person and local day: `net` returns that day's number. */
export const netEv = (...days: number[]) => [...new Set(days)].sort((a, b) => a - b).map((id) => ({ kind: 'net_daily' as const, id }));
export const subEv = (id: number) => [{ kind: 'subscription' as const, id }];
