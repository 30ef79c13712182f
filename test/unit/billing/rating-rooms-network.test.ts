import { describe, expect, it } from 'vitest';
import { rateAccount } from '../../../controller/billing/rating/rate.js';
import { at, booking, brief, expectWellFormed, ids, net, sub, tariff, usage } from './fixtures.js';

// Rooms per hour in 15-minute blocks rounded up per booking: Baccarat 3000 (750 a block),
// Lunéville 2500 (625), Vezouze 2000 (500), booths 500 (125). Hot desk: 4 h (16 blocks) included.

describe('meeting rooms', () => {
  it('uses the included hours first, in booking order, then bills the rest per room', () => {
    // b1 3 Mar Baccarat 09:00–11:00: 8 blocks, 8 included (16 → 8 left).
    // b2 5 Mar Lunéville 14:00–15:10: 70 min → 5 blocks, 5 included (3 left).
    // b3 10 Mar Baccarat 10:00–12:00: 8 blocks, 3 included, 5 billed.
    // b4 12 Mar Vezouze cancelled: nothing.
    // b5 13 Mar Vezouze 09:00–11:00 released at 09:20: 20 min → 2 blocks billed (none left) = 0.5 h × 2000 = 1000.
    // b6 20 Mar booth 1 released at its start: nothing.
    // Baccarat: 16 blocks = 4 h, 11 included = 2.75 h, 5 billed = 1.25 h × 3000 = 3750.
    // Lunéville: 5 blocks = 1.25 h, all included: 0 h, 0.
    const b1 = booking('room-baccarat', '2026-03-03T09:00:00+01:00', '2026-03-03T11:00:00+01:00');
    const b2 = booking('room-luneville', '2026-03-05T14:00:00+01:00', '2026-03-05T15:10:00+01:00');
    const b3 = booking('room-baccarat', '2026-03-10T10:00:00+01:00', '2026-03-10T12:00:00+01:00');
    const b4 = booking('room-vezouze', '2026-03-12T09:00:00+01:00', '2026-03-12T10:00:00+01:00', { status: 'cancelled' });
    const b5 = booking('room-vezouze', '2026-03-13T09:00:00+01:00', '2026-03-13T11:00:00+01:00', { status: 'released', releasedAt: at('2026-03-13T09:20:00+01:00') });
    const b6 = booking('booth-1', '2026-03-20T09:00:00+01:00', '2026-03-20T10:00:00+01:00', { status: 'released', releasedAt: at('2026-03-20T09:00:00+01:00') });
    // Given out of order: the included hours still go to the earliest bookings.
    const { lines, rated } = rateAccount(usage({ subscriptions: [sub('hot-desk', null)], bookings: [b6, b5, b4, b3, b2, b1] }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'plan:hot-desk', personId: 1, quantity: 1, unit: 'month', unitPriceCents: 18000, amountCents: 18000 },
      { code: 'room-hours', personId: 1, quantity: 1.25, unit: 'hour', unitPriceCents: 3000, amountCents: 3750 },
      { code: 'room-hours', personId: 1, quantity: 0, unit: 'hour', unitPriceCents: 2500, amountCents: 0 },
      { code: 'room-hours', personId: 1, quantity: 0.5, unit: 'hour', unitPriceCents: 2000, amountCents: 1000 },
    ]);
    expect(lines.slice(1).map((l) => l.description)).toEqual([
      'Salle Baccarat — 4 h réservées, dont 2,75 h incluses dans le forfait',
      'Salle Lunéville — 1,25 h réservée, dont 1,25 h incluse dans le forfait',
      'Salle Vezouze — 0,5 h réservée',
    ]);
    expect(lines.slice(1).map(ids)).toEqual([[`booking:${b1.id}`, `booking:${b3.id}`], [`booking:${b2.id}`], [`booking:${b5.id}`]]);
    expect(rated.bookingIds.sort((x, y) => x - y)).toEqual([b1.id, b2.id, b3.id, b4.id, b5.id, b6.id].sort((x, y) => x - y));
    expectWellFormed(lines);
  });

  it('bills a nomad from the first minute, rounded up to the quarter hour', () => {
    // Booth 25 min → 2 blocks = 0.5 h × 500 = 250.
    const { lines } = rateAccount(usage({ bookings: [booking('booth-2', '2026-03-03T09:00:00+01:00', '2026-03-03T09:25:00+01:00')] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'room-hours', personId: 1, quantity: 0.5, unit: 'hour', unitPriceCents: 500, amountCents: 250 }]);
    expect(lines[0]?.description).toBe('Cabine téléphonique 2 — 0,5 h réservée');
  });

  it('ignores blocks, and warns about a room with no price or a release with no time', () => {
    const block = booking('room-baccarat', '2026-03-03T09:00:00+01:00', '2026-03-03T18:00:00+01:00', { kind: 'block' });
    const unpriced = booking('training-meurthe', '2026-03-04T09:00:00+01:00', '2026-03-04T10:00:00+01:00', { resourceKind: 'room' });
    const broken = booking('room-vezouze', '2026-03-05T09:00:00+01:00', '2026-03-05T10:00:00+01:00', { status: 'released' });
    const r = rateAccount(usage({ bookings: [block, unpriced, broken] }), tariff);
    expect(r.lines).toEqual([]);
    expect(r.rated.bookingIds).toEqual([]); // left for a later run, once the data or the tariff is fixed
    expect(r.warnings).toEqual([
      `booking ${unpriced.id}: room "training-meurthe" has no price in the tariff: not rated`,
      `booking ${broken.id} is released but has no release time: not billed`,
    ]);
  });
});

describe('network fair use', () => {
  it('bills the bytes beyond the plan\'s allowance, per started MB', () => {
    // Hot desk, 100 GB. In March: 60 GB at 1 March 00:00 local (28 Feb 23:00Z), 40 GB, 2 345 678 901 bytes at 23:00 CEST on the 31st.
    // 1 April 00:00 local (31 Mar 22:00Z) is April's: not counted.
    // 102 345 678 901 − 100 000 000 000 = 2 345 678 901 bytes → 2346 started MB = 2.346 GB × 50 = 117.3 → 117.
    const first = net('2026-02-28T23:00:00Z', 60_000_000_000);
    const mid = net('2026-03-15T10:00:00Z', 40_000_000_000);
    const last = net('2026-03-31T21:00:00Z', 2_345_678_901);
    const april = net('2026-03-31T22:00:00Z', 5_000_000_000);
    const { lines, rated } = rateAccount(usage({ subscriptions: [sub('hot-desk', null)], network: [first, mid, last, april] }), tariff);
    expect(brief(lines.slice(1))).toEqual([{ code: 'network-overage', personId: 1, quantity: 2.346, unit: 'GB', unitPriceCents: 50, amountCents: 117 }]);
    expect(lines[1]?.description).toBe('Réseau au-delà de l\'usage inclus — 2,346 Go (102,346 Go consommés, 100 Go inclus)');
    expect(ids(lines[1])).toEqual([`net_hourly:${first.id}`, `net_hourly:${mid.id}`, `net_hourly:${last.id}`]);
    expect(rated.netHourlyIds).toEqual([first.id, mid.id, last.id]);
    expectWellFormed(lines);
  });

  it('has no line within the allowance', () => {
    const r = rateAccount(usage({ network: [net('2026-03-15T10:00:00Z', 20_000_000_000)] }), tariff); // nomad: exactly 20 GB
    expect(r.lines).toEqual([]);
    expect(r.rated.netHourlyIds).toHaveLength(1);
  });

  it('prorates the allowance by the days of each plan', () => {
    // April (30 days): nomad 1–10 (20 GB), hot desk 11–30 (100 GB): (20 × 10 + 100 × 20) / 30 = 73.333 GB = 73 333 333 333 bytes.
    // 74 GB used: 666 666 667 bytes over → 667 MB = 0.667 GB × 50 = 33.35 → 33.
    const { lines } = rateAccount(usage({
      period: { year: 2026, month: 4 },
      subscriptions: [sub('hot-desk', '2026-04-11T00:00:00+02:00')],
      network: [net('2026-04-20T10:00:00Z', 74_000_000_000)],
    }), tariff);
    const overage = lines.find((l) => l.code === 'network-overage');
    expect(overage && [overage.quantity, overage.amountCents, overage.description])
      .toEqual([0.667, 33, 'Réseau au-delà de l\'usage inclus — 0,667 Go (74 Go consommés, 73,333 Go inclus)']);
  });
});
