/** Meeting rooms and booths: blocks per booking, the plan's included hours first (in booking order), then the room's price. */
import type { Evidence } from '../lines.js';
import type { BillingMode, Plan } from '../tariff/schema.js';
import { dayIndex } from './calendar.js';
import { billedSpan, DASH, push, touches, type Ctx } from './context.js';
import { frNumber, s } from './money.js';
import type { BookingRecord, PersonRecord } from './types.js';

interface RoomUse { blocks: number; included: number; evidence: Evidence[] }

export function rateRooms(ctx: Ctx, person: PersonRecord, who: string, dayPlans: readonly Plan[], bookings: readonly BookingRecord[]): void {
  const { cal, rated, tariff } = ctx;
  const mine = bookings.filter((b) => b.resourceKind === 'room' && touches(cal, b.startsAt, b.endsAt));
  if (mine.length === 0) return;
  mine.sort((x, y) => x.startsAt - y.startsAt || x.id - y.id); // included hours go in chronological order
  let pool = ctx.late ? 0 : includedBlocks(ctx, dayPlans);
  const paid = new Map<string, RoomUse>();
  const funded = new Map<string, RoomUse>();
  for (const b of mine) {
    const room = ctx.rooms.get(b.resourceId);
    if (room === undefined) { ctx.warnings.push(`booking ${b.id}: room "${b.resourceId}" has no price in the tariff: not rated`); continue; }
    const span = billedSpan(b, ctx.warnings);
    if (span === null && b.status === 'released') continue;
    rated.bookingIds.push(b.id);
    if (span === null) continue;
    const a = Math.max(span[0], cal.start);
    const e = Math.min(span[1], cal.end);
    if (a >= e) continue;
    const mode: BillingMode = (dayPlans[dayIndex(cal, a)] as Plan).billing;
    if (mode === 'none') continue;
    const blocks = Math.ceil((e - a) / ctx.blockMs);
    const uses = mode === 'funded' ? funded : paid;
    let use = uses.get(room.resourceId);
    if (use === undefined) { use = { blocks: 0, included: 0, evidence: [] }; uses.set(room.resourceId, use); }
    use.blocks += blocks;
    use.evidence.push({ kind: 'booking', id: b.id });
    if (mode !== 'funded') {
      const inc = Math.min(pool, blocks);
      use.included += inc;
      pool -= inc;
    }
  }
  const bph = ctx.blocksPerHour;
  for (const room of tariff.rooms) { // the tariff's order: the same on every invoice
    const use = paid.get(room.resourceId);
    if (use === undefined) continue;
    const billed = use.blocks - use.included;
    const total = frNumber(use.blocks / bph);
    push(ctx, {
      code: ctx.late ? 'regularisation:room-hours' : 'room-hours',
      description: `${who}${ctx.latePrefix}${room.name}${DASH}${total} h réservée${s(use.blocks / bph)}`
        + (use.included > 0 ? `, dont ${frNumber(use.included / bph)} h incluse${s(use.included / bph)} dans le forfait` : ''),
      personId: person.personId,
      quantity: billed / bph,
      unit: 'hour',
      unitPriceCents: room.hourlyCents,
      amountCents: billed * (room.hourlyCents / bph),
      evidence: use.evidence,
    });
  }
  for (const room of tariff.rooms) {
    const use = funded.get(room.resourceId);
    if (use === undefined) continue;
    push(ctx, {
      code: 'funded',
      description: `${who}${ctx.latePrefix}${room.name}, formation financée${DASH}${frNumber(use.blocks / bph)} h réservée${s(use.blocks / bph)}`,
      personId: person.personId, quantity: use.blocks / bph, unit: 'hour', unitPriceCents: 0, amountCents: 0,
      evidence: use.evidence,
    }, true);
  }
}

/** The month's pool of included room blocks: each billed day brings its plan's hours / days in month, rounded down. */
function includedBlocks(ctx: Ctx, dayPlans: readonly Plan[]): number {
  let sum = 0; // included blocks × days
  for (const plan of dayPlans) if (plan.billing === 'monthly' || plan.billing === 'pay-as-you-go') sum += plan.includedRoomHours * ctx.blocksPerHour;
  return Math.floor(sum / ctx.cal.days);
}
