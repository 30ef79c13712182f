import type Database from 'better-sqlite3';
import { isHoliday } from '../controller/access/holidays.js';
import { dateToDay, dayToDate, localToEpoch, weekdayOfDay } from '../controller/access/local-time.js';
import { addMonths } from '../controller/billing/run/periods.js';
import type { MonthParams } from './billing-data.js';

/**
 * The billing benchmark's population (bench/billing-data.ts writes their usage): members, residents
 * of companies with and without an office, trainees, on mixed plans, some changing plan, joining or
 * leaving mid-month; and the month's calendar in the building's time zone.
 */

export type Profile = 'nomad' | 'hot-desk' | 'fixed-desk' | 'lab-bench' | 'trainee' | 'office' | 'company-fixed' | 'company-hot' | 'company-nomad';

export interface ProfileDef {
  kind: 'member' | 'resident' | 'trainee';
  plan: string | null; // own subscription; null: the default plan of the kind (or the company's office)
  attendance: readonly number[]; // share of open days present, one drawn per person
  alwaysOn: number; // probability that a device of theirs stays connected outside presence
  deskBooking: number; // probability of booking a desk on a day present
}

export const PROFILES: Record<Profile, ProfileDef> = {
  nomad: { kind: 'member', plan: null, attendance: [0.1, 0.1, 0.35, 0.35, 0.7], alwaysOn: 0, deskBooking: 0.15 },
  'hot-desk': { kind: 'member', plan: 'hot-desk', attendance: [0.7], alwaysOn: 0.9, deskBooking: 0.4 },
  'fixed-desk': { kind: 'member', plan: 'fixed-desk', attendance: [0.85], alwaysOn: 1, deskBooking: 0 },
  'lab-bench': { kind: 'member', plan: 'lab-bench', attendance: [0.6], alwaysOn: 1, deskBooking: 0 },
  trainee: { kind: 'trainee', plan: null, attendance: [0.9], alwaysOn: 0, deskBooking: 0 },
  office: { kind: 'resident', plan: null, attendance: [0.85], alwaysOn: 1, deskBooking: 0 },
  'company-fixed': { kind: 'resident', plan: 'fixed-desk', attendance: [0.85], alwaysOn: 1, deskBooking: 0 },
  'company-hot': { kind: 'resident', plan: 'hot-desk', attendance: [0.7], alwaysOn: 0.9, deskBooking: 0.4 },
  'company-nomad': { kind: 'resident', plan: null, attendance: [0.35], alwaysOn: 0, deskBooking: 0.15 },
};

const SHARES = { trainee: 0.075, companyResidents: 0.1725, labBench: 0.03, fixedDesk: 0.19, hotDesk: 0.225 }; // the rest: nomads
export const OFFICES: ReadonlyArray<readonly [string, number]> = [['office-1', 2], ['office-2', 3], ['office-3', 4], ['office-4', 6]]; // plan, residents

/** mulberry32: small, fast, good enough for test data, the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Person { id: number; profile: Profile; company: number | null; attendance: number; from: number; to: number; alwaysOn: boolean; heavy: boolean }
export interface Sub { personId: number | null; companyId: number | null; planId: string; startsAt: number; endsAt: number | null }

/** The month and the seeded random helpers everything is drawn with. */
export interface BenchMonth {
  rnd: () => number;
  pick<T>(list: readonly T[]): T;
  int(lo: number, hi: number): number; // lo…hi inclusive
  days: number;
  date(d: number): string;
  /** Local day d (may be -1 or days), minute m (may pass 1440), plus a few seconds unless jitter is false: an instant. */
  at(d: number, m: number, jitter?: boolean): number;
  weekday(d: number): ReturnType<typeof weekdayOfDay>;
  /** Open: not a Sunday, not a public holiday; a workday: open and not a Saturday. */
  open(d: number): boolean;
  workday(d: number): boolean;
}

export function benchMonth(params: MonthParams): BenchMonth {
  const rnd = prng(params.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const firstDay = dateToDay(`${params.period}-01`);
  const date = (d: number) => dayToDate(firstDay + d);
  const weekday = (d: number) => weekdayOfDay(firstDay + d);
  const open = (d: number) => !isHoliday(date(d)) && weekday(d) !== 'sun';
  return {
    rnd, int, date, weekday, open,
    pick: <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T,
    days: dateToDay(`${addMonths(params.period, 1)}-01`) - firstDay,
    at: (d, m, jitter = true) => localToEpoch(date(d), m, params.timeZone) + (jitter ? int(0, 59) * 1000 : 0),
    workday: (d) => open(d) && weekday(d) !== 'sat',
  };
}

/** Writes the people, companies (with a billing identity) and subscriptions in one transaction. */
export function writePeople(sqlite: Database.Database, params: MonthParams, month: BenchMonth): {
  people: Person[]; subs: Sub[]; companies: number; officeSizes: ReadonlyArray<readonly [string, number]>;
} {
  const { rnd, pick, int, days, at } = month;
  const n = params.members;
  const officeSizes = n >= 200 ? OFFICES : OFFICES.slice(0, 1);
  const officeResidents = officeSizes.reduce((s, [, k]) => s + k, 0);
  const counts: Array<[Profile, number]> = [
    ['trainee', Math.round(n * SHARES.trainee)], ['lab-bench', Math.round(n * SHARES.labBench)],
    ['fixed-desk', Math.round(n * SHARES.fixedDesk)], ['hot-desk', Math.round(n * SHARES.hotDesk)],
  ];
  const companyResidents = Math.round(n * SHARES.companyResidents);
  const nomads = n - officeResidents - companyResidents - counts.reduce((s, [, k]) => s + k, 0);
  if (nomads < 0) throw new Error(`billing bench: ${n} members is too few for the mix of plans`);
  counts.push(['nomad', nomads]);

  const now = at(0, 0, false) - 30 * 86_400_000; // created a month before (rows need a creation time)
  const insCompany = sqlite.prepare('INSERT INTO companies (name, created_at) VALUES (?, ?) RETURNING id');
  const insAccount = sqlite.prepare(`INSERT INTO billing_accounts (kind, company_id, legal_name, address_lines, postcode, city, country, email, is_business, created_at, updated_at)
    VALUES ('company', ?, ?, ?, '54120', 'Ménil-Flin', 'FR', ?, 1, ?, ?)`);
  const insPerson = sqlite.prepare('INSERT INTO people (kind, name, email, company_id, active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id');
  const insSub = sqlite.prepare('INSERT INTO subscriptions (person_id, company_id, plan_id, starts_at, ends_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const FIRST = ['Camille', 'Lucas', 'Léa', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Jules', 'Inès', 'Gabriel', 'Sarah', 'Arthur', 'Emma', 'Nathan', 'Zoé'];
  const LAST = ['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefèvre', 'Mathieu'];
  const id = (r: unknown) => (r as { id: number }).id;

  const slots: Array<{ profile: Profile; company: number | null }> = [];
  const subs: Sub[] = [];
  const longAgo = () => at(-int(1, 700), 0, false);
  let companies = 0;
  const addCompany = (name: string): number => {
    companies++;
    const cid = id(insCompany.get(name, now));
    insAccount.run(cid, `${name} SAS`, JSON.stringify([`${int(1, 40)} rue du Château`]), `compta@${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`, now, now);
    return cid;
  };
  const people: Person[] = [];
  sqlite.transaction(() => {
    for (const [plan, k] of officeSizes) {
      const cid = addCompany(`Bureau ${plan} ${companies + 1}`);
      subs.push({ personId: null, companyId: cid, planId: plan, startsAt: longAgo(), endsAt: null });
      for (let i = 0; i < k; i++) slots.push({ profile: 'office', company: cid });
    }
    for (let left = companyResidents; left > 0;) {
      const cid = addCompany(`Atelier ${companies + 1}`);
      const size = Math.min(left, int(2, 8));
      for (let i = 0; i < size; i++) {
        const r = rnd();
        slots.push({ profile: r < 0.6 ? 'company-fixed' : r < 0.85 ? 'company-hot' : 'company-nomad', company: cid });
      }
      left -= size;
    }
    for (const [profile, k] of counts) for (let i = 0; i < k; i++) slots.push({ profile, company: null });
    for (let i = slots.length - 1; i > 0; i--) { // people joined over time, not by plan
      const j = Math.floor(rnd() * (i + 1));
      [slots[i], slots[j]] = [slots[j] as typeof slots[number], slots[i] as typeof slots[number]];
    }
    for (const { profile, company } of slots) {
      const def = PROFILES[profile];
      const name = `${pick(FIRST)} ${pick(LAST)}`;
      const pid = id(insPerson.get(def.kind, name, `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${people.length}@example.org`, company, now));
      const p: Person = {
        id: pid, profile, company, attendance: pick(def.attendance), from: 0, to: days,
        alwaysOn: rnd() < def.alwaysOn, heavy: rnd() < 0.05,
      };
      people.push(p);
      const changeDay = int(3, days - 3);
      const r = rnd();
      if (def.plan === null) {
        if (profile === 'nomad' && r < 0.03) subs.push({ personId: pid, companyId: null, planId: 'hot-desk', startsAt: at(changeDay, 0, false), endsAt: null });
        continue;
      }
      if (def.plan === 'hot-desk' && r < 0.04) { // moves to a fixed desk mid-month
        subs.push({ personId: pid, companyId: null, planId: 'hot-desk', startsAt: longAgo(), endsAt: at(changeDay, 0, false) });
        subs.push({ personId: pid, companyId: null, planId: 'fixed-desk', startsAt: at(changeDay, 0, false), endsAt: null });
      } else if (r < 0.06) { // leaves mid-month
        subs.push({ personId: pid, companyId: null, planId: def.plan, startsAt: longAgo(), endsAt: at(changeDay, 0, false) });
        p.to = changeDay;
      } else if (r < 0.08) { // joins mid-month
        subs.push({ personId: pid, companyId: null, planId: def.plan, startsAt: at(changeDay, 0, false), endsAt: null });
        p.from = changeDay;
      } else {
        subs.push({ personId: pid, companyId: null, planId: def.plan, startsAt: longAgo(), endsAt: null });
      }
    }
    for (const s of subs) insSub.run(s.personId, s.companyId, s.planId, s.startsAt, s.endsAt, 'bench', now);
  })();
  return { people, subs, companies, officeSizes };
}
