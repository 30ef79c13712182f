import { describe, expect, it } from 'vitest';
import { divRound, frEuros, frNumber, monthFraction, prorate } from '../../../controller/billing/rating/money.js';
import { cheapestCombination } from '../../../controller/billing/rating/payg.js';
import { rateAccount } from '../../../controller/billing/rating/rate.js';
import { booking, brief, expectWellFormed, fullDays, ids, session, sub, tariff, tariffWith, total, usage } from './fixtures.js';

// Pay-as-you-go defaults: 300 an hour in 15-minute blocks (75 a block), day pass 1500 from
// 30 minutes of presence, 10-day card 12000, a month capped at the hot-desk plan (18000).
// A "full day" of the fixtures is 09:00–17:00: 8 h = 32 blocks = 2400, so a day pass (1500).

describe('money helpers', () => {
  it('rounds half away from zero in integers', () => {
    expect([divRound(5, 2), divRound(-5, 2), divRound(7, 4), divRound(5, 4), divRound(0, 3)]).toEqual([3, -3, 2, 1, 0]);
    // 17 days of 31: 17000 / 31 = 548.39 → 0.548; 0.548 × 25000 = 13700.
    expect([monthFraction(17, 31), prorate(25000, 17, 31)]).toEqual([0.548, 13700]);
    expect([monthFraction(31, 31), prorate(25000, 31, 31)]).toEqual([1, 25000]);
  });

  it('writes French numbers and amounts', () => {
    expect([frNumber(4.5), frNumber(12), frNumber(0.125)]).toEqual(['4,5', '12', '0,125']);
    expect([frEuros(25500), frEuros(123456), frEuros(5)]).toEqual(['255,00\u00a0€', '1\u00a0234,56\u00a0€', '0,05\u00a0€']);
  });
});

describe('a pay-as-you-go day', () => {
  it('is not billed under the day minimum, and is billed from it', () => {
    // 29 min: nothing. 30 min: 2 blocks × 75 = 150.
    expect(rateAccount(usage({ presence: [session('2026-03-03T09:00:00+01:00', '2026-03-03T09:29:00+01:00')] }), tariff).lines).toEqual([]);
    const { lines, rated } = rateAccount(usage({ presence: [session('2026-03-03T09:00:00+01:00', '2026-03-03T09:30:00+01:00')] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 0.5, unit: 'hour', unitPriceCents: 300, amountCents: 150 }]);
    expect(rated.presenceSessionIds).toHaveLength(1);
  });

  it('adds a day\'s sessions up before the minimum and the rounding', () => {
    // 20 min + 20 min the same day = 40 min ≥ 30: ceil(40 / 15) = 3 blocks = 225 (per session it would be 2 + 2 = 4 blocks).
    const a = session('2026-03-03T09:00:00+01:00', '2026-03-03T09:20:00+01:00');
    const b = session('2026-03-03T15:00:00+01:00', '2026-03-03T15:20:00+01:00');
    const { lines } = rateAccount(usage({ presence: [a, b] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 0.75, unit: 'hour', unitPriceCents: 300, amountCents: 225 }]);
    expect(ids(lines[0])).toEqual([`presence_session:${a.id}`, `presence_session:${b.id}`]);
  });

  it('rounds up to the next 15 minutes', () => {
    // 1 h 01 → 5 blocks = 375; 3 h → 12 blocks = 900; the two days: 17 blocks = 4.25 h = 1275.
    const { lines } = rateAccount(usage({
      presence: [session('2026-03-03T09:00:00+01:00', '2026-03-03T10:01:00+01:00'), session('2026-03-04T09:00:00+01:00', '2026-03-04T12:00:00+01:00')],
    }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 4.25, unit: 'hour', unitPriceCents: 300, amountCents: 1275 }]);
    expect(lines[0]?.description).toBe('Heures (blocs de 15 min) × 4,25 h (2 jours)');
  });

  it('counts overlapping sessions once, and a booked desk as presence', () => {
    // Presence 09:00–11:00 and a hot desk booked 10:00–12:00: 09:00–12:00 = 3 h = 12 blocks = 900.
    const s = session('2026-03-03T09:00:00+01:00', '2026-03-03T11:00:00+01:00');
    const d = booking('cw-hot-04', '2026-03-03T10:00:00+01:00', '2026-03-03T12:00:00+01:00');
    const { lines, rated } = rateAccount(usage({ presence: [s], bookings: [d] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 3, unit: 'hour', unitPriceCents: 300, amountCents: 900 }]);
    expect(ids(lines[0])).toEqual([`presence_session:${s.id}`, `booking:${d.id}`]);
    expect(rated.bookingIds).toEqual([d.id]);
  });
});

describe('the cheapest combination of hours, day passes and cards', () => {
  it('prices each day at the lower of its hours and a day pass', () => {
    // 3 March 8 h: 32 blocks = 2400 > 1500 → pass. 4 March 2 h: 8 blocks = 600. 5 March 4 h 45: 19 blocks = 1425 < 1500 → hours.
    // Pass × 1 = 1500; hours 8 + 19 = 27 blocks = 6.75 h = 2025. Total 3525.
    const { lines } = rateAccount(usage({
      presence: [
        ...fullDays(3, 1),
        session('2026-03-04T09:00:00+01:00', '2026-03-04T11:00:00+01:00'),
        session('2026-03-05T09:00:00+01:00', '2026-03-05T13:45:00+01:00'),
      ],
    }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'day-pass', personId: 1, quantity: 1, unit: 'day', unitPriceCents: 1500, amountCents: 1500 },
      { code: 'hourly', personId: 1, quantity: 6.75, unit: 'hour', unitPriceCents: 300, amountCents: 2025 },
    ]);
    expect(lines.map((l) => l.description)).toEqual(['Pass journée × 1', 'Heures (blocs de 15 min) × 6,75 h (2 jours)']);
    expectWellFormed(lines);
  });

  it('takes a card for the 10 dearest days when it pays', () => {
    // 12 full days: 0 cards 12 × 1500 = 18000; 1 card 12000 + 2 × 1500 = 15000; 2 cards 24000. → 1 card + 2 passes = 15000.
    const { lines } = rateAccount(usage({ presence: fullDays(2, 12) }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'ten-day-card', personId: 1, quantity: 1, unit: 'card', unitPriceCents: 12000, amountCents: 12000 },
      { code: 'day-pass', personId: 1, quantity: 2, unit: 'day', unitPriceCents: 1500, amountCents: 3000 },
    ]);
    expect(lines[0]?.description).toBe('Carte 10 jours × 1 (10 jours de présence couverts)');
    expect(lines[0]?.evidence).toHaveLength(10);
  });

  it('leaves the cheap days out of the card', () => {
    // 10 full days (1500 each) and one day of 2 h (600): 0 cards 15600; 1 card 12000 + 600 = 12600 → card + 2 h.
    const short = session('2026-03-20T09:00:00+01:00', '2026-03-20T11:00:00+01:00');
    const { lines } = rateAccount(usage({ presence: [...fullDays(2, 10), short] }), tariff);
    expect(brief(lines).map((l) => [l.code, l.quantity, l.amountCents])).toEqual([['ten-day-card', 1, 12000], ['hourly', 2, 600]]);
    expect(ids(lines[1])).toEqual([`presence_session:${short.id}`]);
    expect(total(lines)).toBe(12600);
  });

  it('buys a card for only 8 days when 8 day passes cost more', () => {
    // With a 1600 day pass: 8 × 1600 = 12800 > one card 12000 → the card, covering 8 days.
    const dear = tariffWith((t) => { t.payAsYouGo.dayPassCents = 1600; });
    const { lines } = rateAccount(usage({ presence: fullDays(2, 8) }), dear);
    expect(brief(lines)).toEqual([{ code: 'ten-day-card', personId: 1, quantity: 1, unit: 'card', unitPriceCents: 12000, amountCents: 12000 }]);
    expect(lines[0]?.description).toBe('Carte 10 jours × 1 (8 jours de présence couverts)');
    // With the default 1500 pass, 8 × 1500 = 12000 equals the card: a tie goes to the passes (fewer cards).
    expect(brief(rateAccount(usage({ presence: fullDays(2, 8) }), tariff).lines).map((l) => [l.code, l.quantity, l.amountCents]))
      .toEqual([['day-pass', 8, 12000]]);
  });

  it('tries every number of cards (optimiser alone)', () => {
    const prices = { blockCents: 75, dayPassCents: 1500, cardCents: 12000, cardDays: 10 };
    // 21 days of 32 blocks: k=0 31500; k=1 12000 + 11 × 1500 = 28500; k=2 24000 + 1500 = 25500; k=3 36000. → 2 cards, 1 pass.
    const days = Array.from({ length: 21 }, (_, day) => ({ day, blocks: 32 }));
    const c = cheapestCombination(days, prices);
    expect([c.cards, c.cardDays.length, c.passDays, c.hourBlocks, c.totalCents]).toEqual([2, 20, [20], 0, 25500]);
  });

  it('caps a month at the hot-desk plan, in one readable line', () => {
    // 22 full days: k=0 33000; k=1 12000 + 12 × 1500 = 30000; k=2 24000 + 2 × 1500 = 27000; k=3 36000.
    // Best 27000 > the hot-desk plan 18000 → one line of 18000.
    const { lines } = rateAccount(usage({ presence: fullDays(1, 22) }), tariff);
    expect(brief(lines)).toEqual([{ code: 'payg-capped', personId: 1, quantity: 1, unit: 'month', unitPriceCents: 18000, amountCents: 18000 }]);
    expect(lines[0]?.description).toBe(
      'Accès à l\'usage plafonné au prix de l\'abonnement « Forfait coworking, poste libre » — 22 jours de présence : '
      + 'Carte 10 jours × 2, Pass journée × 2 = 270,00\u00a0€ HT avant plafond',
    );
    expect(lines[0]?.evidence).toHaveLength(22);
    expectWellFormed(lines);
  });

  it('prorates the cap by the days spent pay-as-you-go before a plan', () => {
    // Nomad 1–16 March (16 days), hot desk from 17 March 00:00 CET (15 days of 31).
    // Usage: 16 full days: k=0 24000; k=1 12000 + 6 × 1500 = 21000; k=2 24000 → 21000.
    // Cap: 16/31 = 0.516 → 0.516 × 18000 = 9288 < 21000 → capped at 9288.
    // Hot-desk fee: 15/31 = 0.484 → 0.484 × 18000 = 8712. The month: 9288 + 8712 = 18000, the plan's price.
    const { lines } = rateAccount(usage({
      subscriptions: [sub('hot-desk', '2026-03-17T00:00:00+01:00')],
      presence: [...fullDays(1, 16), ...fullDays(17, 10)], // days on the plan are included: no line
    }), tariff);
    expect(brief(lines)).toEqual([
      { code: 'plan:hot-desk', personId: 1, quantity: 0.484, unit: 'month', unitPriceCents: 18000, amountCents: 8712 },
      { code: 'payg-capped', personId: 1, quantity: 0.516, unit: 'month', unitPriceCents: 18000, amountCents: 9288 },
    ]);
    expect(lines[0]?.description).toBe('Forfait coworking, poste libre — du 17 au 31 mars 2026 (15 j sur 31)');
    expect(lines[1]?.description).toContain('(16 j sur 31)');
    expect(lines[1]?.evidence).toHaveLength(16);
    expect(total(lines)).toBe(18000);
    expectWellFormed(lines);
  });
});
