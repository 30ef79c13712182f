/**
 * Rating: one account's usage in one month → invoice lines (integer cents, excluding VAT).
 * Pure: no clock, no database, no file; the same input always gives the same lines.
 * The rules, and why, are in docs/billing-rating.md.
 *
 * Shape of the work, linear in the number of records:
 * 1. the month's local midnights, once per (zone, month) (calendar.ts);
 * 2. the plan of every person on every local day: their own subscription, else their company's
 *    office, else the default plan of their kind;
 * 3. per person: presence sessions and desk bookings → milliseconds per local day (overlaps
 *    merged) → blocks; room bookings → blocks per booking; network hours → bytes;
 * 4. lines: plan fees, pay-as-you-go (cheapest combination, capped), funded usage at zero,
 *    meeting rooms (included hours first), network overage.
 */
import type { Plan, Tariff } from '../tariff/schema.js';
import { dayIndex, monthCalendar, type MonthCalendar } from './calendar.js';
import { DASH, MINUTE_MS, push, RatingError, type Ctx, type PersonRecords } from './context.js';
import { frDay, frMonth, monthFraction, prorate, s } from './money.js';
import { rateNetwork } from './network.js';
import { ratePresence } from './presence.js';
import { rateRooms } from './rooms.js';
import type { AccountUsage, LateUsage, PersonRecord, RatingResult, SubscriptionRecord } from './types.js';

export { BYTES_PER_GB, BYTES_PER_MB, RatingError } from './context.js';

interface SubRange { sub: SubscriptionRecord; plan: Plan; d0: number; d1: number }

/** Rates one account for one month. */
export function rateAccount(usage: AccountUsage, tariff: Tariff): RatingResult {
  return rate(usage, tariff, false);
}

/**
 * Rates usage of an earlier, already-invoiced period that arrived after its invoice, as
 * "régularisation" lines for the next invoice: each day, booking and byte priced on its own at
 * list price (hours or a day pass per day, room hours with no included hours, network beyond the
 * allowance given what was already rated), with no 10-day card, no monthly cap and no plan fee.
 */
export function rateLateUsage(usage: LateUsage, tariff: Tariff): RatingResult {
  return rate(usage, tariff, true);
}

function rate(usage: AccountUsage | LateUsage, tariff: Tariff, late: boolean): RatingResult {
  const cal = monthCalendar(usage.period, usage.timeZone);
  const blocksPerHour = 60 / tariff.blockMinutes;
  const ctx: Ctx = {
    tariff, cal,
    plans: new Map(tariff.plans.map((p) => [p.id, p])),
    rooms: new Map(tariff.rooms.map((r) => [r.resourceId, r])),
    blockMs: tariff.blockMinutes * MINUTE_MS,
    blocksPerHour,
    blockCents: tariff.payAsYouGo.hourlyCents / blocksPerHour,
    late,
    latePrefix: late ? `Régularisation ${frMonth(cal.year, cal.month)}${DASH}` : '',
    company: usage.account.kind === 'company',
    warnings: [],
    rated: { presenceSessionIds: [], bookingIds: [], netHourlyIds: [], subscriptionIds: [] },
    lines: [],
  };

  const people = new Map<number, PersonRecord>();
  for (const p of usage.people) {
    if (people.has(p.personId)) ctx.warnings.push(`person ${p.personId} is listed twice on the account`);
    else people.set(p.personId, p);
  }

  // Subscriptions: the account's own (personId null) and each person's, with their local days.
  const accountSubs: SubRange[] = [];
  const personSubs = new Map<number, SubRange[]>();
  for (const sub of usage.subscriptions) {
    const plan = ctx.plans.get(sub.planId);
    if (plan === undefined) throw new RatingError(`subscription ${sub.id} is to plan "${sub.planId}", which the tariff (revision ${tariff.revision}) does not have`);
    const range = subRange(cal, sub, plan);
    if (sub.personId === null) accountSubs.push(range);
    else if (!people.has(sub.personId)) ctx.warnings.push(`subscription ${sub.id} is for person ${sub.personId}, who is not on this account: not rated`);
    else {
      const list = personSubs.get(sub.personId);
      if (list === undefined) personSubs.set(sub.personId, [range]);
      else list.push(range);
    }
  }

  const records = groupByPerson(usage, people, ctx.warnings);
  const earlierBytes = new Map<number, number>();
  for (const e of (usage as LateUsage).earlierNetworkBytes ?? []) earlierBytes.set(e.personId, (earlierBytes.get(e.personId) ?? 0) + e.bytes);

  if (!late) for (const r of accountSubs) feeLine(ctx, r, null, '');
  for (const person of people.values()) {
    const own = personSubs.get(person.personId) ?? [];
    const dayPlans = resolveDayPlans(ctx, person, own, accountSubs);
    const who = ctx.company ? `${person.name}${DASH}` : '';
    if (!late) for (const r of own) feeLine(ctx, r, person.personId, who);
    const recs = records.get(person.personId);
    if (recs === undefined) continue;
    ratePresence(ctx, person, who, dayPlans, recs);
    rateRooms(ctx, person, who, dayPlans, recs.bookings);
    rateNetwork(ctx, person, who, dayPlans, recs.network, earlierBytes.get(person.personId) ?? 0);
  }
  if (!late) {
    for (const r of accountSubs) if (r.d1 > r.d0) ctx.rated.subscriptionIds.push(r.sub.id);
    for (const list of personSubs.values()) for (const r of list) if (r.d1 > r.d0) ctx.rated.subscriptionIds.push(r.sub.id);
  }
  return { lines: ctx.lines, rated: ctx.rated, warnings: ctx.warnings };
}

/**
 * The local days [d0, d1) of the month a subscription covers: from the day it starts to the day
 * before the one it ends in (like hotel nights), so that a plan ending the day another begins is
 * never billed twice for that day.
 */
function subRange(cal: MonthCalendar, sub: SubscriptionRecord, plan: Plan): SubRange {
  const d0 = Math.max(0, dayIndex(cal, sub.from));
  const d1 = sub.until === null ? cal.days : Math.min(cal.days, dayIndex(cal, sub.until));
  return { sub, plan, d0, d1: Math.max(d0, d1) };
}

function groupByPerson(usage: AccountUsage, people: Map<number, PersonRecord>, warnings: string[]): Map<number, PersonRecords> {
  const out = new Map<number, PersonRecords>();
  const strays = new Map<number, number>(); // person → records not on the account
  const get = (personId: number | null): PersonRecords | undefined => {
    if (personId === null) return undefined;
    let r = out.get(personId);
    if (r === undefined) {
      if (!people.has(personId)) { strays.set(personId, (strays.get(personId) ?? 0) + 1); return undefined; }
      r = { presence: [], bookings: [], network: [] };
      out.set(personId, r);
    }
    return r;
  };
  for (const p of usage.presence) get(p.personId)?.presence.push(p);
  for (const b of usage.bookings) {
    if (b.kind === 'block') continue; // a block by staff is nobody's usage
    get(b.personId)?.bookings.push(b);
  }
  for (const n of usage.network) get(n.personId)?.network.push(n);
  for (const [personId, n] of strays) warnings.push(`${n} record${s(n)} of person ${personId}, who is not on this account: not rated`);
  return out;
}

/** Each day's plan: the person's own subscription, else the account's office, else their kind's default. Latest start wins. */
function resolveDayPlans(ctx: Ctx, person: PersonRecord, own: readonly SubRange[], accountSubs: readonly SubRange[]): Plan[] {
  const fallback = ctx.plans.get(ctx.tariff.defaultPlans[person.kind]);
  if (fallback === undefined) throw new RatingError(`the tariff has no default plan for ${person.kind}`);
  const plans = new Array<Plan>(ctx.cal.days).fill(fallback);
  const byStart = (a: SubRange, b: SubRange) => a.sub.from - b.sub.from || a.sub.id - b.sub.id;
  for (const list of [accountSubs.filter((r) => r.plan.coversCompanyPeople), own]) {
    for (const r of [...list].sort(byStart)) for (let d = r.d0; d < r.d1; d++) plans[d] = r.plan;
  }
  return plans;
}

// ── Plan fees ─────────────────────────────────────────────────────────────────────────────────

function feeLine(ctx: Ctx, r: SubRange, personId: number | null, who: string): void {
  const { plan, d0, d1 } = r;
  const days = d1 - d0;
  if (plan.billing !== 'monthly' || plan.monthlyFeeCents === 0 || days <= 0) return;
  const { cal } = ctx;
  const month = frMonth(cal.year, cal.month);
  const full = days === cal.days;
  push(ctx, {
    code: `plan:${plan.id}`,
    description: full ? `${who}${plan.name}${DASH}${month}` : `${who}${plan.name}${DASH}du ${frDay(d0 + 1)} au ${d1} ${month} (${days} j sur ${cal.days})`,
    personId,
    quantity: full ? 1 : monthFraction(days, cal.days),
    unit: 'month',
    unitPriceCents: plan.monthlyFeeCents,
    amountCents: full ? plan.monthlyFeeCents : prorate(plan.monthlyFeeCents, days, cal.days),
    evidence: [{ kind: 'subscription', id: r.sub.id }],
  });
}
