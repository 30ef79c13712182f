import { describe, expect, it } from 'vitest';
import { rateAccount, RatingError } from '../../../controller/billing/rating/rate.js';
import { ALICE, BOB, booking, brief, expectWellFormed, fullDays, ids, net, session, sub, tariff, total, usage } from './fixtures.js';

// Plans (defaults): hot-desk 18000 with 4 h of rooms and 100 GB; fixed-desk 25000, 8 h, 200 GB;
// office-3 65000, 4 h and 200 GB for each person it covers; nomad 0 fee, 0 h, 20 GB.
// A prorated month: q = days / days in month to 3 decimals, amount = round(q × fee).

describe('plan fees prorated on a mid-month change', () => {
  const april = { year: 2026, month: 4 }; // 30 days, summer time (+02:00)

  it('bills each plan for its local days: the day a plan starts counts, the day it ends does not', () => {
    // Hot desk until 11 April 00:00: 1–10 April = 10 days → 10/30 = 0.333 → 0.333 × 18000 = 5994.
    // Fixed desk from 11 April: 11–30 April = 20 days → 20/30 = 0.667 → 0.667 × 25000 = 16675.
    const hot = sub('hot-desk', '2026-01-05T00:00:00+01:00', '2026-04-11T00:00:00+02:00');
    const fixed = sub('fixed-desk', '2026-04-11T00:00:00+02:00');
    const { lines, rated } = rateAccount(usage({ period: april, subscriptions: [hot, fixed] }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'plan:hot-desk', personId: 1, quantity: 0.333, unit: 'month', unitPriceCents: 18000, amountCents: 5994 },
      { code: 'plan:fixed-desk', personId: 1, quantity: 0.667, unit: 'month', unitPriceCents: 25000, amountCents: 16675 },
    ]);
    expect(lines.map((l) => l.description)).toEqual([
      'Forfait coworking, poste libre — du 1er au 10 avril 2026 (10 j sur 30)',
      'Forfait poste fixe — du 11 au 30 avril 2026 (20 j sur 30)',
    ]);
    expect(lines.map(ids)).toEqual([[`subscription:${hot.id}`], [`subscription:${fixed.id}`]]);
    expect(rated.subscriptionIds).toEqual([hot.id, fixed.id]);
    expectWellFormed(lines);
  });

  it('splits the same way when the change happens in the afternoon', () => {
    // Change at 14:00 on 11 April: the old plan covers 1–10, the new one 11–30, the 11th billed once.
    const { lines } = rateAccount(usage({
      period: april,
      subscriptions: [sub('hot-desk', null, '2026-04-11T14:00:00+02:00'), sub('fixed-desk', '2026-04-11T14:00:00+02:00')],
    }), tariff);
    expect(lines.map((l) => [l.code, l.quantity, l.amountCents])).toEqual([['plan:hot-desk', 0.333, 5994], ['plan:fixed-desk', 0.667, 16675]]);
  });

  it('bills a whole month as one month, and includes presence and desk bookings', () => {
    const { lines, rated } = rateAccount(usage({
      subscriptions: [sub('fixed-desk', '2025-11-01T00:00:00+01:00')],
      presence: fullDays(2, 20),
      bookings: [booking('cw-hot-03', '2026-03-03T09:00:00+01:00', '2026-03-03T12:00:00+01:00')],
    }), tariff);
    expect(brief(lines)).toEqual([{ code: 'plan:fixed-desk', personId: 1, quantity: 1, unit: 'month', unitPriceCents: 25000, amountCents: 25000 }]);
    expect(lines[0]?.description).toBe('Forfait poste fixe — mars 2026');
    expect(rated.presenceSessionIds).toHaveLength(20); // taken into account, included: no line
    expect(rated.bookingIds).toHaveLength(1);
  });

  it('prorates the included room hours with the plans', () => {
    // Room blocks of the month: (hot desk 16 blocks × 10 days + fixed desk 32 blocks × 20 days) / 30 = 800 / 30 = 26.67 → 26 blocks = 6.5 h.
    // Baccarat booked 7 h (28 blocks): 26 included, 2 blocks = 0.5 h billed × 3000 = 1500.
    const { lines } = rateAccount(usage({
      period: april,
      subscriptions: [sub('hot-desk', null, '2026-04-11T00:00:00+02:00'), sub('fixed-desk', '2026-04-11T00:00:00+02:00')],
      bookings: [booking('room-baccarat', '2026-04-20T09:00:00+02:00', '2026-04-20T16:00:00+02:00')],
    }), tariff);
    const room = lines.find((l) => l.code === 'room-hours');
    expect(room && [room.quantity, room.amountCents, room.description]).toEqual([0.5, 1500, 'Salle Baccarat — 7 h réservées, dont 6,5 h incluses dans le forfait']);
  });

  it('refuses a subscription to a plan the tariff does not have', () => {
    expect(() => rateAccount(usage({ subscriptions: [sub('penthouse', null)] }), tariff)).toThrow(RatingError);
  });
});

describe('trainees and staff', () => {
  const trainee = { personId: 1, name: 'Théo Petit', kind: 'trainee' as const };

  it('lists a trainee\'s usage at zero, VAT 0, code funded', () => {
    // Presence: 2 March 09:00–12:10 = 190 min → 13 blocks; 3 March 20 min → 2 blocks (no minimum for a record at zero).
    // 15 blocks = 3.75 h over 2 days. Vezouze 1 h. Network 1.5 GB.
    const s1 = session('2026-03-02T09:00:00+01:00', '2026-03-02T12:10:00+01:00');
    const s2 = session('2026-03-03T09:00:00+01:00', '2026-03-03T09:20:00+01:00');
    const b = booking('room-vezouze', '2026-03-04T10:00:00+01:00', '2026-03-04T11:00:00+01:00');
    const n = net('2026-03-02T09:00:00Z', 1_500_000_000);
    const { lines } = rateAccount(usage({ people: [trainee], presence: [s1, s2], bookings: [b], network: [n] }), tariff);
    expect(lines.map((l) => ({ ...brief([l])[0], vatRateBp: l.vatRateBp, description: l.description }))).toEqual([
      { code: 'funded', personId: 1, quantity: 3.75, unit: 'hour', unitPriceCents: 0, amountCents: 0, vatRateBp: 0, description: 'Présence, formation financée — 2 jours, 3,75 h' },
      { code: 'funded', personId: 1, quantity: 1, unit: 'hour', unitPriceCents: 0, amountCents: 0, vatRateBp: 0, description: 'Salle Vezouze, formation financée — 1 h réservée' },
      { code: 'funded', personId: 1, quantity: 1.5, unit: 'GB', unitPriceCents: 0, amountCents: 0, vatRateBp: 0, description: 'Réseau, formation financée — 1,5 Go consommés' },
    ]);
    expect(lines.map(ids)).toEqual([[`presence_session:${s1.id}`, `presence_session:${s2.id}`], [`booking:${b.id}`], [`net_hourly:${n.id}`]]);
    expectWellFormed(lines);
  });

  it('bills staff nothing, and still marks their records as rated', () => {
    const staff = { personId: 1, name: 'Claire Roux', kind: 'staff' as const };
    const r = rateAccount(usage({
      people: [staff],
      presence: fullDays(2, 20),
      bookings: [booking('room-baccarat', '2026-03-03T09:00:00+01:00', '2026-03-03T12:00:00+01:00')],
      network: [net('2026-03-02T09:00:00Z', 500_000_000_000)],
    }), tariff);
    expect(r.lines).toEqual([]);
    expect([r.rated.presenceSessionIds.length, r.rated.bookingIds.length, r.rated.netHourlyIds.length]).toEqual([20, 1, 1]);
  });
});

describe('a company account', () => {
  const company = { kind: 'company' as const, id: 7 };
  const people = [{ ...ALICE, kind: 'resident' as const }, BOB];

  it('bills its office, and each of its people beyond what the office includes', () => {
    // Office 3 all month: 65000. Alice: present 10 days (covered by the office: no line); Baccarat 6 h,
    // 4 h included (office-3 gives 4 h a person) → 2 h × 3000 = 6000. Bob: 250 GB against 200 GB → 50 GB × 50 = 2500.
    // Total 65000 + 6000 + 2500 = 73500.
    const office = sub('office-3', '2025-09-01T00:00:00+02:00', null, null);
    const { lines, rated } = rateAccount(usage({
      account: company, people,
      subscriptions: [office],
      presence: fullDays(2, 10, 1),
      bookings: [booking('room-baccarat', '2026-03-10T09:00:00+01:00', '2026-03-10T15:00:00+01:00')],
      network: [net('2026-03-11T10:00:00Z', 150_000_000_000, 2), net('2026-03-12T10:00:00Z', 100_000_000_000, 2)],
    }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'plan:office-3', personId: null, quantity: 1, unit: 'month', unitPriceCents: 65000, amountCents: 65000 },
      { code: 'room-hours', personId: 1, quantity: 2, unit: 'hour', unitPriceCents: 3000, amountCents: 6000 },
      { code: 'network-overage', personId: 2, quantity: 50, unit: 'GB', unitPriceCents: 50, amountCents: 2500 },
    ]);
    expect(lines.map((l) => l.description)).toEqual([
      'Bureau privé 3 (4 postes) — mars 2026',
      'Alice Martin — Salle Baccarat — 6 h réservées, dont 4 h incluses dans le forfait',
      'Bob Durand — Réseau au-delà de l\'usage inclus — 50 Go (250 Go consommés, 200 Go inclus)',
    ]);
    expect(total(lines)).toBe(73500);
    expect(rated.presenceSessionIds).toHaveLength(10);
    expect(rated.subscriptionIds).toEqual([office.id]);
    expectWellFormed(lines);
  });

  it('covers its people only on the days it holds the office', () => {
    // Office 3 from 16 March: 16 days of 31 → 0.516 × 65000 = 33540.
    // Alice on 2 March (before the office, a resident is pay-as-you-go): 8 h → day pass 1500. On 20 March: covered.
    const { lines } = rateAccount(usage({
      account: company, people,
      subscriptions: [sub('office-3', '2026-03-16T00:00:00+01:00', null, null)],
      presence: [...fullDays(2, 1), ...fullDays(20, 1)],
    }), tariff);
    expect(lines.map((l) => [l.code, l.personId, l.quantity, l.amountCents, l.description])).toEqual([
      ['plan:office-3', null, 0.516, 33540, 'Bureau privé 3 (4 postes) — du 16 au 31 mars 2026 (16 j sur 31)'],
      ['day-pass', 1, 1, 1500, 'Alice Martin — Pass journée × 1'],
    ]);
  });

  it('warns about, and leaves unrated, the records of someone not on the account', () => {
    const stray = session('2026-03-02T09:00:00+01:00', '2026-03-02T17:00:00+01:00', 99);
    const r = rateAccount(usage({ account: company, people, presence: [stray] }), tariff);
    expect(r.lines).toEqual([]);
    expect(r.rated.presenceSessionIds).toEqual([]);
    expect(r.warnings).toEqual(['1 record of person 99, who is not on this account: not rated']);
  });
});
