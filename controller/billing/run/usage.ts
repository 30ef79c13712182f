import type Database from 'better-sqlite3';
import type { PersonKind } from '../tariff/index.js';
import type {
  AccountUsage, BillingAccount, BookingRecord, LateUsage, NetworkRecord, PersonRecord, PresenceRecord, SubscriptionRecord,
} from '../rating/index.js';
import { dayToDate, localToEpoch, offsetSpans, utcOffset } from '../../access/local-time.js';
import { parsePeriod, periodBounds, type Period } from './periods.js';

/** People whose usage is billed; staff and visitors are not billed at all. */
const BILLED_KINDS: readonly PersonKind[] = ['member', 'resident', 'trainee'];
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type AccountKey = `${BillingAccount['kind']}:${number}`;
export const accountKey = (a: BillingAccount): AccountKey => `${a.kind}:${a.id}`;

/** The usage of one period, every account at once: a handful of queries, grouped in memory. */
export interface PeriodUsage {
  period: Period;
  accounts: Map<AccountKey, AccountUsage>;
  /** Late records of earlier, already-run periods, per account and per period they belong to. */
  late: Map<AccountKey, LateUsage[]>;
}

interface PersonRow { id: number; kind: PersonKind; name: string; companyId: number | null }

/**
 * Reads what a run of `period` rates: for each account (a person without a company, or a
 * company for its people), its people, the subscriptions touching the period, and the usage
 * records of the period that no run has rated for it yet; plus, for the periods already run,
 * the records that arrived after their run (late usage) and the network bytes counted since.
 */
export function loadPeriodUsage(sqlite: Database.Database, period: Period, timeZone: string, opts: { account?: BillingAccount } = {}): PeriodUsage {
  const { from, to } = periodBounds(period, timeZone);
  const people = (sqlite.prepare('SELECT id, kind, name, company_id AS companyId FROM people').all() as PersonRow[])
    .filter((p) => BILLED_KINDS.includes(p.kind));
  const accountOf = new Map<number, BillingAccount>();
  for (const p of people) accountOf.set(p.id, p.companyId === null ? { kind: 'person', id: p.id } : { kind: 'company', id: p.companyId });
  const wanted = opts.account === undefined ? undefined : accountKey(opts.account);
  const accounts = new Map<AccountKey, AccountUsage>();
  const usageOf = (account: BillingAccount, map: Map<AccountKey, AccountUsage>, p: Period): AccountUsage | undefined => {
    const key = accountKey(account);
    if (wanted !== undefined && key !== wanted) return undefined;
    let u = map.get(key);
    if (u === undefined) {
      u = { period: parsePeriod(p), timeZone, account, people: [], subscriptions: [], presence: [], bookings: [], network: [] };
      map.set(key, u);
    }
    return u;
  };
  const personUsage = (personId: number, map: Map<AccountKey, AccountUsage>, p: Period) => {
    const account = accountOf.get(personId);
    return account === undefined ? undefined : usageOf(account, map, p);
  };
  const peopleRecords = (u: AccountUsage): PersonRecord[] => u.people as PersonRecord[];
  const fillPeople = (map: Map<AccountKey, AccountUsage>) => {
    for (const p of people) {
      const u = map.get(accountKey(accountOf.get(p.id) as BillingAccount));
      if (u !== undefined) peopleRecords(u).push({ personId: p.id, name: p.name, kind: p.kind });
    }
  };

  const subscriptions = readSubscriptions(sqlite, from, to);
  for (const s of subscriptions) {
    const u = s.companyId !== null ? usageOf({ kind: 'company', id: s.companyId }, accounts, period) : personUsage(s.record.personId as number, accounts, period);
    (u?.subscriptions as SubscriptionRecord[] | undefined)?.push(s.record);
  }
  for (const r of readPresence(sqlite, from, to, period)) (personUsage(r.personId, accounts, period)?.presence as PresenceRecord[] | undefined)?.push(r);
  for (const r of readBookings(sqlite, from, to, period)) (personUsage(r.personId as number, accounts, period)?.bookings as BookingRecord[] | undefined)?.push(r);
  for (const r of readNetwork(sqlite, from, to, timeZone)) (personUsage(r.personId, accounts, period)?.network as NetworkRecord[] | undefined)?.push(r);
  fillPeople(accounts);

  const late = new Map<AccountKey, LateUsage[]>();
  for (const earlier of runPeriodsBefore(sqlite, period)) {
    const b = periodBounds(earlier, timeZone);
    const lateAccounts = new Map<AccountKey, AccountUsage>();
    for (const r of readPresence(sqlite, b.from, b.to, null)) (personUsage(r.personId, lateAccounts, earlier)?.presence as PresenceRecord[] | undefined)?.push(r);
    for (const r of readBookings(sqlite, b.from, b.to, null)) (personUsage(r.personId as number, lateAccounts, earlier)?.bookings as BookingRecord[] | undefined)?.push(r);
    const earlierBytes = new Map<number, number>();
    for (const n of lateNetwork(sqlite, earlier, b.from, b.to)) {
      const u = personUsage(n.personId, lateAccounts, earlier);
      if (u === undefined) continue;
      // The bytes counted since the run, as one record on the period's first day: which hours grew is not kept.
      (u.network as NetworkRecord[]).push({ id: Math.floor((b.from + utcOffset(b.from, timeZone)) / DAY_MS), personId: n.personId, hourStart: b.from, bytes: n.lateBytes, span: 'day' });
      earlierBytes.set(n.personId, n.ratedBytes);
    }
    if (lateAccounts.size === 0) continue;
    for (const s of readSubscriptions(sqlite, b.from, b.to)) {
      const key = s.companyId !== null ? accountKey({ kind: 'company', id: s.companyId }) : accountKey(accountOf.get(s.record.personId as number) ?? { kind: 'person', id: -1 });
      (lateAccounts.get(key)?.subscriptions as SubscriptionRecord[] | undefined)?.push(s.record);
    }
    fillPeople(lateAccounts);
    for (const [key, u] of lateAccounts) {
      const lateUsage: LateUsage = { ...u, earlierNetworkBytes: u.people.map((p) => ({ personId: p.personId, bytes: earlierBytes.get(p.personId) ?? 0 })) };
      late.set(key, [...(late.get(key) ?? []), lateUsage]);
    }
  }
  return { period, accounts, late };
}

/** Periods already run (successfully), before `period`: late usage is looked for in those only. */
function runPeriodsBefore(sqlite: Database.Database, period: Period): Period[] {
  return (sqlite.prepare('SELECT DISTINCT period FROM billing_runs WHERE finished_at IS NOT NULL AND error IS NULL AND period < ? ORDER BY period')
    .all(period) as Array<{ period: string }>).map((r) => r.period);
}

function readSubscriptions(sqlite: Database.Database, from: number, to: number): Array<{ companyId: number | null; record: SubscriptionRecord }> {
  const rows = sqlite.prepare(
    `SELECT id, person_id AS personId, company_id AS companyId, plan_id AS planId, starts_at AS startsAt, ends_at AS endsAt
     FROM subscriptions WHERE starts_at < ? AND (ends_at IS NULL OR ends_at > ?) ORDER BY starts_at, id`,
  ).all(to, from) as Array<{ id: number; personId: number | null; companyId: number | null; planId: string; startsAt: number; endsAt: number | null }>;
  return rows.map((r) => ({ companyId: r.personId === null ? r.companyId : null, record: { id: r.id, personId: r.personId, planId: r.planId, from: r.startsAt, until: r.endsAt } }));
}

/**
 * Ended sessions touching [from, to) not yet rated: for `period` (a normal run) those with no
 * row for that period; for late usage (`period` null) those no run has rated at all.
 */
function readPresence(sqlite: Database.Database, from: number, to: number, period: Period | null): PresenceRecord[] {
  const notRated = period === null
    ? "NOT EXISTS (SELECT 1 FROM rated_records r WHERE r.source = 'presence_session' AND r.record_id = s.id)"
    : "NOT EXISTS (SELECT 1 FROM rated_records r WHERE r.source = 'presence_session' AND r.record_id = s.id AND r.period = @period)";
  return sqlite.prepare(
    `SELECT id, person_id AS personId, started_at AS startedAt, ended_at AS endedAt FROM presence_sessions s
     WHERE ended_at IS NOT NULL AND started_at < @to AND ended_at > @from AND ${notRated} ORDER BY started_at, id`,
  ).all(period === null ? { from, to } : { from, to, period }) as PresenceRecord[];
}

function readBookings(sqlite: Database.Database, from: number, to: number, period: Period | null): BookingRecord[] {
  const notRated = period === null
    ? "NOT EXISTS (SELECT 1 FROM rated_records r WHERE r.source = 'booking' AND r.record_id = b.id)"
    : "NOT EXISTS (SELECT 1 FROM rated_records r WHERE r.source = 'booking' AND r.record_id = b.id AND r.period = @period)";
  return sqlite.prepare(
    `SELECT id, person_id AS personId, resource_id AS resourceId, resource_kind AS resourceKind, kind, status,
            starts_at AS startsAt, ends_at AS endsAt, released_at AS releasedAt
     FROM bookings b
     WHERE kind = 'booking' AND person_id IS NOT NULL AND status != 'cancelled'
       AND starts_at < @to AND COALESCE(released_at, ends_at) > @from AND ${notRated} ORDER BY starts_at, id`,
  ).all(period === null ? { from, to } : { from, to, period }) as BookingRecord[];
}

/**
 * A person's bytes (rx + tx) per local day of the period, summed by SQLite: a month holds up to
 * 24 × 31 hourly rows per person, and reading them one by one was most of a run's time. The day
 * is cut at local midnight whatever the offset (a month has at most one change of it).
 */
function readNetwork(sqlite: Database.Database, from: number, to: number, timeZone: string): NetworkRecord[] {
  const spans = offsetSpans(from, to, timeZone);
  const offset = spans.length === 1 ? String((spans[0] as { offset: number }).offset)
    : `CASE ${spans.map((s) => `WHEN hour < ${s.to} THEN ${s.offset}`).join(' ')} ELSE ${(spans[spans.length - 1] as { offset: number }).offset} END`;
  const rows = sqlite.prepare(
    `SELECT CAST(subject_id AS INTEGER) AS personId, (hour + ${offset}) / ${DAY_MS} AS day, SUM(rx_bytes + tx_bytes) AS bytes
     FROM net_usage_hourly WHERE subject_type = 'person' AND hour >= ? AND hour < ? GROUP BY subject_id, day`,
  ).raw().all(from, to) as Array<[number, number, number]>;
  const midnights = new Map<number, number>();
  const midnight = (day: number): number => {
    let m = midnights.get(day);
    if (m === undefined) {
      m = localToEpoch(dayToDate(day), 0, timeZone);
      midnights.set(day, m);
    }
    return m;
  };
  return rows.map(([personId, day, bytes]) => ({ id: day, personId, hourStart: midnight(day), bytes, span: 'day' as const }));
}

/** Per person, the bytes of an already-run period counted since its run (a meter that caught up). */
function lateNetwork(sqlite: Database.Database, period: Period, from: number, to: number): Array<{ personId: number; ratedBytes: number; lateBytes: number }> {
  const rows = sqlite.prepare(
    `SELECT n.personId, n.bytes AS total, COALESCE(r.bytes, 0) AS rated FROM
       (SELECT CAST(subject_id AS INTEGER) AS personId, SUM(rx_bytes + tx_bytes) AS bytes FROM net_usage_hourly
        WHERE subject_type = 'person' AND hour >= ? AND hour < ? GROUP BY subject_id) n
     LEFT JOIN (SELECT person_id, SUM(bytes) AS bytes FROM rated_network WHERE period = ? GROUP BY person_id) r ON r.person_id = n.personId
     WHERE n.bytes > COALESCE(r.bytes, 0)`,
  ).all(from, to, period) as Array<{ personId: number; total: number; rated: number }>;
  return rows.map((r) => ({ personId: r.personId, ratedBytes: r.rated, lateBytes: r.total - r.rated }));
}
