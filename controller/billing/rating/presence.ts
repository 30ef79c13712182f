/**
 * Presence and desk bookings → local days → pay-as-you-go lines (cheapest combination, capped)
 * or funded lines at zero. Days on a monthly plan include presence; 'none' days are not billed.
 */
import type { Evidence } from '../lines.js';
import type { Plan } from '../tariff/schema.js';
import { dayIndex, type MonthCalendar } from './calendar.js';
import { billedSpan, DASH, MINUTE_MS, push, touches, type Ctx, type PersonRecords } from './context.js';
import { frEuros, frNumber, monthFraction, prorate, s } from './money.js';
import { cheapestCombination, type PaygChoice, type PaygDay } from './payg.js';
import type { PersonRecord } from './types.js';

interface Span { a: number; b: number; ev: Evidence }

export function ratePresence(ctx: Ctx, person: PersonRecord, who: string, dayPlans: readonly Plan[], recs: PersonRecords): void {
  const { cal, rated } = ctx;
  const spans: Span[] = [];
  for (const p of recs.presence) {
    if (p.endedAt === null) continue; // still open: billed once it ends
    if (p.endedAt < p.startedAt) { ctx.warnings.push(`presence session ${p.id} ends before it starts: not rated`); continue; }
    if (!touches(cal, p.startedAt, p.endedAt)) continue;
    rated.presenceSessionIds.push(p.id);
    const a = Math.max(p.startedAt, cal.start);
    const b = Math.min(p.endedAt, cal.end);
    if (a < b) spans.push({ a, b, ev: { kind: 'presence_session', id: p.id } });
  }
  for (const bk of recs.bookings) {
    if (bk.resourceKind !== 'desk' || !touches(cal, bk.startsAt, bk.endsAt)) continue;
    const span = billedSpan(bk, ctx.warnings);
    if (span === null && bk.status === 'released') continue; // warned, left for later
    rated.bookingIds.push(bk.id);
    if (span === null) continue;
    const a = Math.max(span[0], cal.start);
    const b = Math.min(span[1], cal.end);
    if (a < b) spans.push({ a, b, ev: { kind: 'booking', id: bk.id } });
  }
  if (spans.length === 0) return;

  // Milliseconds per local day, overlapping spans merged (a desk booked while present counts once).
  spans.sort((x, y) => x.a - y.a);
  const ms = new Float64Array(cal.days);
  const evidence: Array<Evidence[] | undefined> = new Array(cal.days);
  let curA = (spans[0] as Span).a;
  let curB = curA;
  for (const sp of spans) {
    if (sp.a > curB) { addMs(cal, curA, curB, ms); curA = sp.a; }
    if (sp.b > curB) curB = sp.b;
    const last = dayIndex(cal, sp.b - 1);
    for (let d = dayIndex(cal, sp.a); d <= last; d++) (evidence[d] ??= []).push(sp.ev);
  }
  addMs(cal, curA, curB, ms);

  const minMs = ctx.tariff.payAsYouGo.dayMinimumMinutes * MINUTE_MS;
  const payg: PaygDay[] = [];
  let paygDays = 0;
  const funded: number[] = [];
  let fundedBlocks = 0;
  for (let d = 0; d < cal.days; d++) {
    const mode = (dayPlans[d] as Plan).billing;
    const dayMs = ms[d] as number;
    const blocks = Math.ceil(dayMs / ctx.blockMs);
    if (mode === 'pay-as-you-go') {
      paygDays++;
      if (dayMs > 0 && dayMs >= minMs) payg.push({ day: d, blocks });
    } else if (mode === 'funded' && dayMs > 0) {
      funded.push(d);
      fundedBlocks += blocks;
    }
  }
  if (payg.length > 0) paygLines(ctx, person, who, payg, paygDays, evidence);
  if (funded.length > 0) {
    const hours = fundedBlocks / ctx.blocksPerHour;
    push(ctx, {
      code: 'funded',
      description: `${who}${ctx.latePrefix}Présence, formation financée${DASH}${funded.length} jour${s(funded.length)}, ${frNumber(hours)} h`,
      personId: person.personId, quantity: hours, unit: 'hour', unitPriceCents: 0, amountCents: 0,
      evidence: evidenceOf(evidence, funded),
    }, true);
  }
}

/** Adds [a, b) to the days it covers, cut at local midnights. */
function addMs(cal: MonthCalendar, a: number, b: number, ms: Float64Array): void {
  let d = dayIndex(cal, a);
  while (a < b && d < cal.days) {
    const e = Math.min(b, cal.midnights[d + 1] as number);
    ms[d] = (ms[d] as number) + (e - a);
    a = e;
    d++;
  }
}

/** The evidence of some days, each record once, in the order first met. */
function evidenceOf(evidence: ReadonlyArray<Evidence[] | undefined>, days: readonly number[]): Evidence[] {
  const seen = new Set<Evidence>();
  for (const d of [...days].sort((x, y) => x - y)) for (const e of evidence[d] ?? []) seen.add(e);
  return [...seen];
}

function paygLines(ctx: Ctx, person: PersonRecord, who: string, days: PaygDay[], paygDays: number, evidence: ReadonlyArray<Evidence[] | undefined>): void {
  const { tariff, cal, late, latePrefix } = ctx;
  const p = tariff.payAsYouGo;
  const choice = cheapestCombination(days, {
    blockCents: ctx.blockCents,
    dayPassCents: p.dayPassCents,
    // Late usage: each day on its own, no card (no re-optimisation of a closed month).
    cardCents: late ? Number.POSITIVE_INFINITY : p.tenDayCard.priceCents,
    cardDays: p.tenDayCard.days,
  });
  const personId = person.personId;
  const code = (c: string) => (late ? `regularisation:${c}` : c);

  if (!late) {
    const capPlan = ctx.plans.get(p.capPlanId) as Plan; // checked by the tariff loader
    const capCents = prorate(capPlan.monthlyFeeCents, paygDays, cal.days);
    if (choice.totalCents > capCents) {
      const full = paygDays === cal.days;
      push(ctx, {
        code: 'payg-capped',
        description: `${who}Accès à l'usage plafonné au prix de l'abonnement « ${capPlan.name} »${full ? '' : ` (${paygDays} j sur ${cal.days})`}${DASH}`
          + `${days.length} jour${s(days.length)} de présence : ${summary(ctx, choice)} = ${frEuros(choice.totalCents)} HT avant plafond`,
        personId,
        quantity: full ? 1 : monthFraction(paygDays, cal.days),
        unit: 'month',
        unitPriceCents: capPlan.monthlyFeeCents,
        amountCents: capCents,
        evidence: evidenceOf(evidence, days.map((d) => d.day)),
      });
      return;
    }
  }
  if (choice.cards > 0) {
    const n = choice.cardDays.length;
    push(ctx, {
      code: 'ten-day-card',
      description: `${who}Carte ${p.tenDayCard.days} jours × ${choice.cards} (${n} jour${s(n)} de présence couvert${s(n)})`,
      personId, quantity: choice.cards, unit: 'card', unitPriceCents: p.tenDayCard.priceCents,
      amountCents: choice.cards * p.tenDayCard.priceCents,
      evidence: evidenceOf(evidence, choice.cardDays),
    });
  }
  if (choice.passDays.length > 0) {
    const n = choice.passDays.length;
    push(ctx, {
      code: code('day-pass'),
      description: `${who}${latePrefix}Pass journée × ${n}`,
      personId, quantity: n, unit: 'day', unitPriceCents: p.dayPassCents, amountCents: n * p.dayPassCents,
      evidence: evidenceOf(evidence, choice.passDays),
    });
  }
  if (choice.hourDays.length > 0) {
    const n = choice.hourDays.length;
    const hours = choice.hourBlocks / ctx.blocksPerHour;
    push(ctx, {
      code: code('hourly'),
      description: `${who}${latePrefix}Heures (blocs de ${tariff.blockMinutes} min) × ${frNumber(hours)} h (${n} jour${s(n)})`,
      personId, quantity: hours, unit: 'hour', unitPriceCents: p.hourlyCents,
      amountCents: choice.hourBlocks * ctx.blockCents,
      evidence: evidenceOf(evidence, choice.hourDays),
    });
  }
}

/** 'Carte 10 jours × 1, Pass journée × 9, 4,5 h' */
function summary(ctx: Ctx, c: PaygChoice): string {
  const parts: string[] = [];
  if (c.cards > 0) parts.push(`Carte ${ctx.tariff.payAsYouGo.tenDayCard.days} jours × ${c.cards}`);
  if (c.passDays.length > 0) parts.push(`Pass journée × ${c.passDays.length}`);
  if (c.hourBlocks > 0) parts.push(`${frNumber(c.hourBlocks / ctx.blocksPerHour)} h`);
  return parts.join(', ');
}
