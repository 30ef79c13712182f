import { describe, expect, it } from 'vitest';
import { dayIndex, dayLength, monthCalendar } from '../../../controller/billing/rating/calendar.js';
import { rateAccount } from '../../../controller/billing/rating/rate.js';
import { ALICE, at, brief, expectWellFormed, ids, PARIS, session, tariff, usage } from './fixtures.js';

// Paris is UTC+1 (CET) in winter and UTC+2 (CEST) in summer. Clocks go forward at 01:00Z on
// the last Sunday of March (02:00 → 03:00 local: a 23-hour day) and back at 01:00Z on the last
// Sunday of October (03:00 → 02:00 local: a 25-hour day). 2026: 29 March and 25 October;
// 2027: 28 March and 31 October. Pay-as-you-go prices: 75 cents a 15-minute block (300 / 4),
// day pass 1500, a day counts from 30 minutes.
const H = 3_600_000;
const TRAINEE = { personId: 1, name: 'Théo Petit', kind: 'trainee' as const };

describe('the month as local days', () => {
  it('cuts March 2026 at Paris midnights, its 29th lasting 23 hours', () => {
    const cal = monthCalendar({ year: 2026, month: 3 }, PARIS);
    expect(cal.days).toBe(31);
    expect(cal.start).toBe(at('2026-02-28T23:00:00Z')); // 1 March 00:00 CET
    expect(cal.end).toBe(at('2026-03-31T22:00:00Z')); // 1 April 00:00 CEST
    expect(dayLength(cal, 27)).toBe(24 * H); // 28 March
    expect(dayLength(cal, 28)).toBe(23 * H); // 29 March
    expect(dayLength(cal, 29)).toBe(24 * H);
    expect(dayIndex(cal, at('2026-03-29T21:59:59.999Z'))).toBe(28); // 23:59:59.999 CEST on the 29th
    expect(dayIndex(cal, at('2026-03-29T22:00:00Z'))).toBe(29); // midnight CEST: the 30th
    expect(dayIndex(cal, cal.start - 1)).toBe(-1);
    expect(dayIndex(cal, cal.end)).toBe(31);
  });

  it('cuts October 2026 with a 25-hour 25th, and 2027 on its own dates', () => {
    const oct = monthCalendar({ year: 2026, month: 10 }, PARIS);
    expect([oct.start, oct.end]).toEqual([at('2026-09-30T22:00:00Z'), at('2026-10-31T23:00:00Z')]);
    expect(dayLength(oct, 24)).toBe(25 * H); // 25 October
    const mar27 = monthCalendar({ year: 2027, month: 3 }, PARIS);
    expect(dayLength(mar27, 27)).toBe(23 * H); // 28 March 2027
    const oct27 = monthCalendar({ year: 2027, month: 10 }, PARIS);
    expect(dayLength(oct27, 30)).toBe(25 * H); // 31 October 2027
    expect(oct27.end).toBe(at('2027-10-31T23:00:00Z'));
  });

  it('refuses a month that does not exist', () => {
    expect(() => monthCalendar({ year: 2026, month: 13 }, PARIS)).toThrow(RangeError);
    expect(() => monthCalendar({ year: 2026, month: 0 }, PARIS)).toThrow(RangeError);
  });
});

describe('presence cut at local midnight', () => {
  it('counts a session crossing midnight on both days', () => {
    // 10 March 22:00 → 11 March 01:00 (CET): 2 h on the 10th = 8 blocks = 600, 1 h on the 11th = 4 blocks = 300.
    // Both days are under a day pass (1500): hours, 12 blocks = 3 h × 300 = 900.
    const s = session('2026-03-10T22:00:00+01:00', '2026-03-11T01:00:00+01:00');
    const { lines, rated } = rateAccount(usage({ presence: [s] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 3, unit: 'hour', unitPriceCents: 300, amountCents: 900 }]);
    expect(lines[0]?.description).toBe('Heures (blocs de 15 min) × 3 h (2 jours)');
    expect(ids(lines[0])).toEqual([`presence_session:${s.id}`]); // once, though it spans two days
    expect(rated.presenceSessionIds).toEqual([s.id]);
    expectWellFormed(lines);
  });

  it('applies the day minimum to each side of midnight on its own', () => {
    // 23:00 → 00:20: 1 h on the 10th (4 blocks = 300); 20 min on the 11th, under 30 min: not billed.
    const { lines } = rateAccount(usage({ presence: [session('2026-03-10T23:00:00+01:00', '2026-03-11T00:20:00+01:00')] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 1, unit: 'hour', unitPriceCents: 300, amountCents: 300 }]);
  });

  it('counts only the part of a session inside the month, in each month', () => {
    // 31 March 20:00 CEST (18:00Z) → 1 April 02:00 CEST (00:00Z).
    // March: 20:00 → 24:00 = 4 h = 16 blocks × 75 = 1200 (< 1500). April: 00:00 → 02:00 = 2 h = 8 blocks × 75 = 600.
    const s = session('2026-03-31T20:00:00+02:00', '2026-04-01T02:00:00+02:00');
    const march = rateAccount(usage({ presence: [s] }), tariff);
    const april = rateAccount(usage({ period: { year: 2026, month: 4 }, presence: [s] }), tariff);
    expect(brief(march.lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 4, unit: 'hour', unitPriceCents: 300, amountCents: 1200 }]);
    expect(brief(april.lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 2, unit: 'hour', unitPriceCents: 300, amountCents: 600 }]);
    // The session is rated in both periods: the run keeps (record, period) pairs, not bare ids.
    expect(march.rated.presenceSessionIds).toEqual([s.id]);
    expect(april.rated.presenceSessionIds).toEqual([s.id]);
    // 28 Feb 22:00 → 1 March 01:00 CET: March sees 1 h = 4 blocks = 300.
    const before = rateAccount(usage({ presence: [session('2026-02-28T22:00:00+01:00', '2026-03-01T01:00:00+01:00')] }), tariff);
    expect(before.lines.map((l) => l.amountCents)).toEqual([300]);
  });

  it('does not bill an open session, nor mark it rated', () => {
    const open = session('2026-03-12T09:00:00+01:00', null);
    const r = rateAccount(usage({ presence: [open] }), tariff);
    expect(r.lines).toEqual([]);
    expect(r.rated.presenceSessionIds).toEqual([]);
  });

  it('ignores what lies wholly outside the month', () => {
    const r = rateAccount(usage({ presence: [session('2026-04-01T09:00:00+02:00', '2026-04-01T17:00:00+02:00')] }), tariff);
    expect(r.lines).toEqual([]);
    expect(r.rated.presenceSessionIds).toEqual([]);
  });
});

describe('daylight saving time', () => {
  it('bills real time, not wall time, across the March 2026 jump', () => {
    // 29 March 01:30 CET (00:30Z) → 03:30 CEST (01:30Z): the wall says 2 h, 1 real hour passed: 4 blocks = 300.
    const { lines } = rateAccount(usage({ presence: [session('2026-03-29T01:30:00+01:00', '2026-03-29T03:30:00+02:00')] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 1, unit: 'hour', unitPriceCents: 300, amountCents: 300 }]);
  });

  it('cuts a night into the 23-hour day at its own midnight', () => {
    // 28 March 22:00 CET (21:00Z) → 29 March 04:00 CEST (02:00Z).
    // 28th: 21:00Z → 23:00Z = 2 h = 8 blocks = 600; 29th: 23:00Z → 02:00Z = 3 h = 12 blocks = 900. Total 20 blocks = 5 h = 1500.
    const { lines } = rateAccount(usage({ presence: [session('2026-03-28T22:00:00+01:00', '2026-03-29T04:00:00+02:00')] }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 5, unit: 'hour', unitPriceCents: 300, amountCents: 1500 }]);
    expect(lines[0]?.description).toContain('(2 jours)');
  });

  it('bills real time across the October 2026 fall-back', () => {
    // 25 October 01:30 CEST (24 Oct 23:30Z) → 03:30 CET (02:30Z): the wall says 2 h, 3 real hours: 12 blocks = 900.
    const { lines } = rateAccount(usage({
      period: { year: 2026, month: 10 },
      presence: [session('2026-10-25T01:30:00+02:00', '2026-10-25T03:30:00+01:00')],
    }), tariff);
    expect(brief(lines)).toEqual([{ code: 'hourly', personId: 1, quantity: 3, unit: 'hour', unitPriceCents: 300, amountCents: 900 }]);
  });

  it('lists a whole 23-hour and a whole 25-hour day as 23 h and 25 h (funded trainee, every hour shown)', () => {
    // 29 March 2026 00:00 CET (28 Mar 23:00Z) → 30 March 00:00 CEST (29 Mar 22:00Z): 23 h = 92 blocks.
    const march = rateAccount(usage({ people: [TRAINEE], presence: [session('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')] }), tariff);
    expect(brief(march.lines)).toEqual([{ code: 'funded', personId: 1, quantity: 23, unit: 'hour', unitPriceCents: 0, amountCents: 0 }]);
    // 25 October 2026 00:00 CEST (24 Oct 22:00Z) → 26 October 00:00 CET (25 Oct 23:00Z): 25 h.
    const october = rateAccount(usage({
      period: { year: 2026, month: 10 }, people: [TRAINEE],
      presence: [session('2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00')],
    }), tariff);
    expect(october.lines.map((l) => [l.quantity, l.description])).toEqual([[25, 'Présence, formation financée — 1 jour, 25 h']]);
  });

  it('does the same for 2027: 28 March is 23 hours, 31 October 25 hours', () => {
    // 28 March 2027 00:00 CET (27 Mar 23:00Z) → 29 March 00:00 CEST (28 Mar 22:00Z): 23 h.
    const march = rateAccount(usage({
      period: { year: 2027, month: 3 }, people: [TRAINEE],
      presence: [session('2027-03-28T00:00:00+01:00', '2027-03-29T00:00:00+02:00')],
    }), tariff);
    expect(march.lines.map((l) => l.quantity)).toEqual([23]);
    // 31 October 2027 00:00 CEST (30 Oct 22:00Z) → 1 November 00:00 CET (31 Oct 23:00Z): 25 h, and it ends the month.
    const october = rateAccount(usage({
      period: { year: 2027, month: 10 }, people: [TRAINEE],
      presence: [session('2027-10-31T00:00:00+02:00', '2027-11-01T00:00:00+01:00')],
    }), tariff);
    expect(october.lines.map((l) => l.quantity)).toEqual([25]);
    // A nomad on 31 October 2027 01:30 CEST (30 Oct 23:30Z) → 03:30 CET (31 Oct 02:30Z): 3 h = 12 blocks = 900.
    const nomad = rateAccount(usage({
      period: { year: 2027, month: 10 }, people: [ALICE],
      presence: [session('2027-10-31T01:30:00+02:00', '2027-10-31T03:30:00+01:00')],
    }), tariff);
    expect(nomad.lines.map((l) => l.amountCents)).toEqual([900]);
  });
});
