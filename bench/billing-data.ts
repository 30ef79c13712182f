import type Database from 'better-sqlite3';
import { localToEpoch } from '../controller/access/local-time.js';
import { addMonths } from '../controller/billing/run/periods.js';
import { loadTariff } from '../controller/billing/tariff/index.js';
import { benchMonth, PROFILES, writePeople, type Person } from './billing-people.js';

/**
 * A synthetic month of the Ménil-Flin building for the billing benchmark, deterministic from a seed:
 * people and companies on mixed plans, their subscriptions (some changing mid-month), presence
 * sessions, desk and room bookings, and hourly network rows, written with prepared statements in
 * large transactions. A usage event is a row the monthly run reads for the month: an ended presence
 * session, a booking that is not cancelled, a person's hourly network row. The network rows fill
 * the budget: first the hours people are in, then hours a device of theirs stays connected
 * (a workstation at a fixed desk, a docked laptop), so the total is exactly `events`.
 */

export interface MonthParams {
  members: number; // people billed (members, residents, trainees)
  events: number; // usage events of the month, exactly
  seed: number;
  period: string; // 'YYYY-MM'
  timeZone: string;
}

export const monthDefaults: MonthParams = { members: 2_000, events: 1_000_000, seed: 20_261_101, period: '2026-11', timeZone: 'Europe/Paris' };

/** What the run must find: the bench checks it against the run's summary and the tables. */
export interface MonthFacts {
  people: number;
  companies: number;
  subscriptions: number;
  /** Usage events by table, and the ones written but not counted (the run filters them out). */
  sessions: number;
  deskBookings: number;
  roomBookings: number;
  netRows: number;
  netPresentRows: number;
  notCounted: { cancelledBookings: number; uplinkAndZoneNetRows: number };
  /** Persons with network rows, and their bytes: what rated_network must hold after the run. */
  netPersons: number;
  netBytes: number;
  /** Accounts (a person without a company, or a company) with anything the run reads, and those with a line to bill. */
  accountsWithUsage: number;
  accountsToInvoice: number;
  byProfile: Record<string, number>;
}

const MIN_MS = 60_000; // 1 min
const HOUR_MS = 3_600_000; // 1 h
const TX_ROWS = 50_000; // rows per transaction while writing

interface Session { personId: number; start: number; end: number }
interface Booking { resourceId: string; kind: 'room' | 'desk'; personId: number; start: number; end: number; status: 'confirmed' | 'cancelled' | 'released'; releasedAt: number | null }

/** Writes the month into a freshly migrated database; returns what the run must find. */
export function generateMonth(sqlite: Database.Database, params: MonthParams, log: (line: string) => void = () => {}): MonthFacts {
  const month = benchMonth(params);
  const { rnd, pick, int, days, at, weekday, open, workday } = month;
  const from = at(0, 0, false);
  const to = at(days, 0, false);
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const hours = Math.floor((to - firstHour) / HOUR_MS);
  const { people, subs, companies, officeSizes } = writePeople(sqlite, params, month);
  const n = people.length;
  log(`${people.length} people, ${companies} companies, ${subs.length} subscriptions`);

  // ── Presence, desk bookings ──────────────────────────────────────────────────────────────
  const sessions: Session[] = [];
  const bookings: Booking[] = [];
  const present = people.map(() => new Uint8Array(hours)); // 1: present that hour, 2: a device connected
  const attendees: number[][] = Array.from({ length: days }, () => []);
  const desksOf = new Array<number>(days).fill(0);
  const q = (m: number, up: boolean) => (up ? Math.ceil(m / 15) : Math.floor(m / 15)) * 15; // the booking grid
  const addSession = (pi: number, start: number, end: number) => {
    const p = people[pi] as Person;
    sessions.push({ personId: p.id, start, end });
    const row = present[pi] as Uint8Array;
    for (let h = Math.floor((start - firstHour) / HOUR_MS); firstHour + h * HOUR_MS < end; h++) if (h >= 0 && h < hours) row[h] = 1;
  };
  const addDesk = (d: number, personId: number, m0: number, m1: number, status: Booking['status']) => {
    desksOf[d] = (desksOf[d] ?? 0) + 1; // one booking per desk and day: never an overlap
    const desk = `desk-${String(desksOf[d]).padStart(3, '0')}`;
    const start = at(d, m0, false);
    bookings.push({ resourceId: desk, kind: 'desk', personId, start, end: at(d, m1, false), status, releasedAt: status === 'released' ? start + 30 * MIN_MS : null });
  };
  people.forEach((p, pi) => {
    const def = PROFILES[p.profile];
    const nomadLike = def.plan === null && p.profile !== 'trainee' && p.profile !== 'office';
    if (p.profile !== 'trainee' && p.from === 0 && rnd() < 0.005) addSession(pi, at(-1, 21 * 60), at(0, int(45, 120))); // the evening event of the day before, into the 1st
    for (let d = p.from; d < p.to; d++) {
      if (!open(d)) continue;
      const training = p.profile === 'trainee';
      if (training && !['mon', 'tue', 'wed', 'thu'].includes(weekday(d))) continue;
      const chance = weekday(d) === 'sat' ? p.attendance * 0.05 : p.attendance;
      if (rnd() >= chance) {
        if (def.deskBooking > 0 && !nomadLike && workday(d)) { // a desk booked and not used: released (no-show) or cancelled
          const r = rnd();
          if (r < 0.03) addDesk(d, p.id, 540, 1080, 'released');
          else if (r < 0.06) addDesk(d, p.id, 540, 1080, 'cancelled');
        }
        continue;
      }
      attendees[d]?.push(pi);
      let spans: Array<[number, number]>;
      if (training) {
        const j = int(-10, 10);
        spans = [[540 + j, 750 + int(-5, 5)], [810 + int(-10, 10), 1020 + int(-10, 10)]];
      } else {
        const arrive = int(450, 630);
        const short = nomadLike && rnd() < 0.25;
        let stay = short ? int(60, 180) : nomadLike ? int(240, 600) : int(360, 600);
        if (!short && rnd() < 0.004) stay = 1440 + int(10, 120) - arrive; // works past midnight
        const k = short ? 1 : pick([1, 1, 1, 2, 2, 2, 2, 3, 3, 4]);
        const gaps = Array.from({ length: k - 1 }, (_, i) => (i === Math.floor((k - 1) / 2) ? int(30, 90) : int(5, 20)));
        const each = (stay - gaps.reduce((s, g) => s + g, 0)) / k;
        spans = [];
        let m = arrive;
        for (let i = 0; i < k; i++) {
          const e = Math.round(m + each);
          spans.push([m, e]);
          m = e + (gaps[i] ?? 0);
        }
      }
      for (const [m0, m1] of spans) addSession(pi, at(d, m0), at(d, m1));
      if (rnd() < def.deskBooking) addDesk(d, p.id, q(spans[0]?.[0] as number, false), Math.min(1440, q(spans[spans.length - 1]?.[1] as number, true)), 'confirmed');
    }
  });

  // ── Rooms: each priced room and booth, booked back to back with gaps, on working days ──────
  const rooms = loadTariff().rooms.map((r) => r.resourceId);
  for (let d = 0; d < days; d++) {
    const here = attendees[d] as number[];
    if (!workday(d) || here.length === 0) continue;
    for (const room of rooms) {
      const booth = room.startsWith('booth');
      for (let m = 480 + 15 * int(0, 3); ;) {
        const len = booth ? 15 * int(1, 4) : 15 * int(2, 12);
        if (m + len > 1200) break;
        const r = rnd();
        const status: Booking['status'] = r < 0.08 ? 'cancelled' : r < 0.12 ? 'released' : 'confirmed';
        const start = at(d, m, false);
        bookings.push({ resourceId: room, kind: 'room', personId: (people[pick(here)] as Person).id, start, end: at(d, m + len, false), status, releasedAt: status === 'released' ? start + 15 * MIN_MS : null });
        m += len + 15 * int(0, 7);
      }
    }
  }
  sessions.sort((a, b) => a.start - b.start);
  bookings.sort((a, b) => a.start - b.start);
  const counted = bookings.filter((b) => b.status !== 'cancelled');

  // ── Network: present hours, then hours a device stays connected, up to the budget ───────────
  let netPresentRows = 0;
  for (const row of present) for (const v of row) netPresentRows += v;
  const budget = params.events - sessions.length - counted.length - netPresentRows;
  if (budget < 0) throw new Error(`billing bench: ${params.events} events are fewer than the ${params.events - budget} sessions, bookings and present hours of ${n} members`);
  const tiers: number[][] = [[], []]; // candidate (person, hour) pairs: devices left on first, then the others
  people.forEach((p, pi) => {
    const row = present[pi] as Uint8Array;
    const h0 = Math.max(0, Math.ceil((at(p.from, 0, false) - firstHour) / HOUR_MS));
    const h1 = Math.min(hours, Math.ceil((at(p.to, 0, false) - firstHour) / HOUR_MS));
    const tier = tiers[p.alwaysOn ? 0 : 1] as number[];
    for (let h = h0; h < h1; h++) if (row[h] === 0) tier.push(pi * hours + h);
  });
  let need = budget;
  for (const tier of tiers) {
    const take = Math.min(need, tier.length);
    for (let i = 0; i < take; i++) { // partial Fisher–Yates: the first `take` of a random order
      const j = i + Math.floor(rnd() * (tier.length - i));
      const v = tier[j] as number;
      tier[j] = tier[i] as number;
      (present[Math.floor(v / hours)] as Uint8Array)[v % hours] = 2;
    }
    need -= take;
  }
  if (need > 0) throw new Error(`billing bench: ${params.events} events do not fit in ${n} members × ${hours} hours`);

  // ── Write the usage, in the order the building produced it ─────────────────────────────────
  const insSession = sqlite.prepare("INSERT INTO presence_sessions (person_id, started_at, ended_at, end_reason, last_signal_at) VALUES (?, ?, ?, 'exit', ?)");
  const insBooking = sqlite.prepare(`INSERT INTO bookings (resource_id, resource_kind, zone_id, person_id, kind, title, starts_at, ends_at, status,
      access_from, access_until, created_by, created_at, updated_at, cancelled_at, cancelled_by, released_at, release_evidence, checked_in_at)
    VALUES (?, ?, ?, ?, 'booking', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insNet = sqlite.prepare('INSERT INTO net_usage_hourly (hour, subject_type, subject_id, rx_bytes, tx_bytes) VALUES (?, ?, ?, ?, ?)');
  const inChunks = <T>(rows: readonly T[], write: (r: T) => void) => {
    for (let i = 0; i < rows.length; i += TX_ROWS) sqlite.transaction(() => { for (const r of rows.slice(i, i + TX_ROWS)) write(r); })();
  };
  inChunks(sessions, (s) => insSession.run(s.personId, s.start, s.end, s.end));
  inChunks(bookings, (b) => {
    const made = b.start - int(1, 14) * 86_400_000;
    const cancelled = b.status === 'cancelled' ? b.start - int(1, 48) * HOUR_MS : null;
    insBooking.run(b.resourceId, b.kind, b.kind === 'room' ? b.resourceId : 'coworking', b.personId, b.start, b.end, b.status,
      b.start - 10 * MIN_MS, (b.releasedAt ?? b.end) + 10 * MIN_MS, `person:${b.personId}`, made, cancelled ?? b.releasedAt ?? made,
      cancelled, cancelled === null ? null : `person:${b.personId}`, b.releasedAt,
      b.releasedAt === null ? null : JSON.stringify({ sensor: 'free', door: 'closed' }), b.status === 'confirmed' ? b.start + MIN_MS : null);
  });
  let netRows = 0;
  let netBytes = 0;
  let uplinkAndZone = 0;
  const netPersons = new Set<number>();
  const mb = (lo: number, hi: number) => Math.round(lo * 1e6 * (hi / lo) ** rnd()); // log-uniform, lo…hi MB
  for (let h = 0; h < hours; h += 24) { // a day of hours per transaction (≈ 30,000 rows)
    sqlite.transaction(() => {
      for (let hh = h; hh < Math.min(hours, h + 24); hh++) {
        const hour = firstHour + hh * HOUR_MS;
        let total = 0;
        people.forEach((p, pi) => {
          const v = (present[pi] as Uint8Array)[hh] as number;
          if (v === 0) return;
          const bytes = v === 1 ? (p.heavy ? mb(1000, 4000) : mb(20, 500)) : mb(0.2, 10);
          const rx = Math.round(bytes * 0.8);
          insNet.run(hour, 'person', String(p.id), rx, bytes - rx);
          netRows++;
          netBytes += bytes;
          total += bytes;
          netPersons.add(p.id);
        });
        insNet.run(hour, 'uplink', 'wan', Math.round(total * 0.8), total - Math.round(total * 0.8));
        for (const [plan] of officeSizes) insNet.run(hour, 'zone', plan, mb(1, 50), mb(1, 50));
        uplinkAndZone += 1 + officeSizes.length;
      }
    })();
  }

  // ── What the run must find ─────────────────────────────────────────────────────────────────
  const byId = new Map(people.map((p) => [p.id, p]));
  const account = (personId: number) => {
    const c = (byId.get(personId) as Person).company;
    return c === null ? `person:${personId}` : `company:${c}`;
  };
  const withUsage = new Set<string>();
  const billable = new Set<string>();
  for (const s of subs) { // every plan of the bench has a monthly fee, and every subscription covers a day of the month
    const key = s.personId === null ? `company:${s.companyId}` : account(s.personId);
    withUsage.add(key);
    billable.add(key);
  }
  for (const s of sessions) { withUsage.add(account(s.personId)); billable.add(account(s.personId)); } // ≥ 45 min on its first day, or funded
  for (const b of counted) { withUsage.add(account(b.personId)); billable.add(account(b.personId)); }
  for (const pid of netPersons) { // background bytes alone stay within every allowance; a trainee's are listed at zero (funded)
    withUsage.add(account(pid));
    if ((byId.get(pid) as Person).profile === 'trainee') billable.add(account(pid));
  }
  const byProfile: Record<string, number> = {};
  for (const p of people) byProfile[p.profile] = (byProfile[p.profile] ?? 0) + 1;
  return {
    people: people.length, companies, subscriptions: subs.length,
    sessions: sessions.length, deskBookings: counted.filter((b) => b.kind === 'desk').length, roomBookings: counted.filter((b) => b.kind === 'room').length,
    netRows, netPresentRows,
    notCounted: { cancelledBookings: bookings.length - counted.length, uplinkAndZoneNetRows: uplinkAndZone },
    netPersons: netPersons.size, netBytes,
    accountsWithUsage: withUsage.size, accountsToInvoice: billable.size, byProfile,
  };
}

/**
 * History: copies the month's usage into the `months` months before it (shifted back by 30 days each;
 * sessions that would then reach into the benchmarked month are left out), so that a run of the month
 * finds earlier periods to bill first, as in production after the first month. Returns those periods,
 * oldest first; the people and subscriptions stay those of the month.
 */
export function copyToEarlierMonths(sqlite: Database.Database, params: MonthParams, months: number): string[] {
  const from = localToEpoch(`${params.period}-01`, 0, params.timeZone);
  const to = localToEpoch(`${addMonths(params.period, 1)}-01`, 0, params.timeZone);
  const shift = 30 * 86_400_000; // 30 days
  sqlite.transaction(() => {
    for (let k = 1; k <= months; k++) {
      const s = k * shift;
      sqlite.prepare(`INSERT INTO presence_sessions (person_id, started_at, ended_at, end_reason, last_signal_at)
        SELECT person_id, started_at - @s, ended_at - @s, end_reason, last_signal_at - @s FROM presence_sessions
        WHERE started_at >= @from AND started_at < @to AND ended_at - @s <= @from`).run({ s, from, to });
      sqlite.prepare(`INSERT INTO bookings (resource_id, resource_kind, zone_id, person_id, kind, title, starts_at, ends_at, status, access_from, access_until,
          created_by, created_at, updated_at, cancelled_at, cancelled_by, released_at, release_evidence, checked_in_at)
        SELECT resource_id, resource_kind, zone_id, person_id, kind, title, starts_at - @s, ends_at - @s, status, access_from - @s, access_until - @s,
          created_by, created_at - @s, updated_at - @s, cancelled_at - @s, cancelled_by, released_at - @s, release_evidence, checked_in_at - @s
        FROM bookings WHERE starts_at >= @from AND starts_at < @to AND ends_at - @s <= @from`).run({ s, from, to });
      sqlite.prepare(`INSERT INTO net_usage_hourly (hour, subject_type, subject_id, rx_bytes, tx_bytes)
        SELECT hour - @s, subject_type, subject_id, rx_bytes, tx_bytes FROM net_usage_hourly WHERE hour >= @from AND hour < @to`).run({ s, from, to });
    }
  })();
  return Array.from({ length: months }, (_, i) => addMonths(params.period, i - months));
}
