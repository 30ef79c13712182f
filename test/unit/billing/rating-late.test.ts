import { describe, expect, it } from 'vitest';
import { rateLateUsage } from '../../../controller/billing/rating/rate.js';
import { booking, brief, expectWellFormed, fullDays, ids, net, session, sub, tariff, total, usage } from './fixtures.js';

// Late usage of March 2026, rated for April's invoice: each day alone (hours or a day pass),
// rooms at list price, network beyond the allowance given the bytes already billed; no card,
// no cap, no plan fee.

describe('late usage ("régularisation")', () => {
  it('prices late records on their own, labelled with their month', () => {
    // 30 March 09:00–17:00 CEST: 8 h → day pass 1500. 31 March 10:00–11:30: 6 blocks × 75 = 450.
    // Baccarat 30 March 10:00–11:00: 1 h × 3000 (a nomad includes no room hours).
    // Network: 19.5 GB already billed for March + 1 GB late against 20 GB: over 0.5 GB = 500 MB before 0 → 0.5 × 50 = 25.
    const pass = session('2026-03-30T09:00:00+02:00', '2026-03-30T17:00:00+02:00');
    const hours = session('2026-03-31T10:00:00+02:00', '2026-03-31T11:30:00+02:00');
    const room = booking('room-baccarat', '2026-03-30T10:00:00+02:00', '2026-03-30T11:00:00+02:00');
    const bytes = net('2026-03-30T08:00:00Z', 1_000_000_000);
    const r = rateLateUsage({
      ...usage({ presence: [pass, hours], bookings: [room], network: [bytes] }),
      earlierNetworkBytes: [{ personId: 1, bytes: 19_500_000_000 }],
    }, tariff);
    expect(brief(r.lines)).toEqual([
      { code: 'regularisation:day-pass', personId: 1, quantity: 1, unit: 'day', unitPriceCents: 1500, amountCents: 1500 },
      { code: 'regularisation:hourly', personId: 1, quantity: 1.5, unit: 'hour', unitPriceCents: 300, amountCents: 450 },
      { code: 'regularisation:room-hours', personId: 1, quantity: 1, unit: 'hour', unitPriceCents: 3000, amountCents: 3000 },
      { code: 'regularisation:network-overage', personId: 1, quantity: 0.5, unit: 'GB', unitPriceCents: 50, amountCents: 25 },
    ]);
    expect(r.lines.map((l) => l.description)).toEqual([
      'Régularisation mars 2026 — Pass journée × 1',
      'Régularisation mars 2026 — Heures (blocs de 15 min) × 1,5 h (1 jour)',
      'Régularisation mars 2026 — Salle Baccarat — 1 h réservée',
      'Régularisation mars 2026 — Réseau au-delà de l\'usage inclus — 0,5 Go (1 Go reçus après facturation, 20,5 Go au total, 20 Go inclus)',
    ]);
    expect(r.lines.map(ids)).toEqual([[`presence_session:${pass.id}`], [`presence_session:${hours.id}`], [`booking:${room.id}`], [`net_hourly:${bytes.id}`]]);
    expect(r.rated).toEqual({ presenceSessionIds: [pass.id, hours.id], bookingIds: [room.id], netHourlyIds: [bytes.id], subscriptionIds: [] });
    expectWellFormed(r.lines);
  });

  it('applies no card and no cap', () => {
    // 12 late full days: 12 passes × 1500 = 18000 (a normal month would take a card: 15000).
    // 22 late full days: 22 × 1500 = 33000, above the hot-desk cap of 18000, not capped.
    expect(brief(rateLateUsage(usage({ presence: fullDays(2, 12) }), tariff).lines).map((l) => [l.code, l.quantity, l.amountCents]))
      .toEqual([['regularisation:day-pass', 12, 18000]]);
    expect(total(rateLateUsage(usage({ presence: fullDays(1, 22) }), tariff).lines)).toBe(33000);
  });

  it('bills a plan holder no fee again and no presence, rooms at list price', () => {
    const r = rateLateUsage(usage({
      subscriptions: [sub('hot-desk', null)],
      presence: fullDays(2, 3),
      bookings: [booking('room-baccarat', '2026-03-10T09:00:00+01:00', '2026-03-10T10:00:00+01:00')],
    }), tariff);
    expect(brief(r.lines)).toEqual([{ code: 'regularisation:room-hours', personId: 1, quantity: 1, unit: 'hour', unitPriceCents: 3000, amountCents: 3000 }]);
    expect(r.rated.subscriptionIds).toEqual([]);
  });

  it('charges late bytes only beyond what was already over the allowance', () => {
    // Nomad, 20 GB: 25 GB billed already (5000 MB over); 1 GB late: 6000 MB over → 1000 MB more = 1 GB × 50 = 50.
    const r = rateLateUsage({ ...usage({ network: [net('2026-03-30T08:00:00Z', 1_000_000_000)] }), earlierNetworkBytes: [{ personId: 1, bytes: 25_000_000_000 }] }, tariff);
    expect(r.lines.map((l) => [l.quantity, l.amountCents])).toEqual([[1, 50]]);
  });

  it('counts only the part of a late session inside its own month', () => {
    // 31 March 22:00 CEST → 1 April 01:00 CEST: March holds 2 h = 8 blocks = 600; April's hour waits for April's own rating.
    const r = rateLateUsage(usage({ presence: [session('2026-03-31T22:00:00+02:00', '2026-04-01T01:00:00+02:00')] }), tariff);
    expect(r.lines.map((l) => [l.code, l.quantity, l.amountCents])).toEqual([['regularisation:hourly', 2, 600]]);
  });
});
