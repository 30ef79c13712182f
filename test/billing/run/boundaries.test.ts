import { afterEach, describe, expect, it } from 'vitest';
import { at, expected, linesOf, openRunFixture, sessionsEv, type ExpectedLine, type RunFixture } from './helpers.js';

let fx: RunFixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const HOUR = 3_600_000;
const priced = (l: Omit<ExpectedLine, 'vatRateBp'>): ExpectedLine => ({ ...l, vatRateBp: 2000 });
const funded = (l: Omit<ExpectedLine, 'vatRateBp' | 'vatCents' | 'unitPriceCents' | 'amountCents' | 'code' | 'unit'>): ExpectedLine =>
  ({ ...l, code: 'funded', unit: 'hour', unitPriceCents: 0, amountCents: 0, vatRateBp: 0, vatCents: 0 });

/**
 * October 2026 in Paris: summer time (+02:00) until Sunday 25 October 03:00, when clocks go back to 02:00
 * (+01:00): that day lasts 25 hours. 31 October → 1 November midnight is 23:00 UTC.
 */
describe('month ends and daylight saving, across two runs', () => {
  it('bills a session crossing 31 October → 1 November in both months, no minute lost or counted twice; the DST day as it lasted', () => {
    fx = openRunFixture();
    const olga = fx.person('member', 'Olga Meyer'); // nomad
    const tom = fx.person('trainee', 'Tom Blanc'); // funded: every minute counted, no day minimum
    // 01:30 summer time to 03:30 winter time on 25 October: 2 hours on the wall, 3 real hours (23:30Z → 02:30Z).
    const dst = fx.session(olga, '2026-10-25T01:30:00+02:00', '2026-10-25T03:30:00+01:00');
    // 31 October 22:15 → 1 November 01:45: 1,75 h before midnight, 1,75 h after.
    const monthEnd = fx.session(olga, '2026-10-31T22:15:00+01:00', '2026-11-01T01:45:00+01:00');
    // Tom the whole of 25 October, midnight to midnight: 25 hours.
    const wholeDay = fx.session(tom, '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00');
    // And 31 October 23:00 → 1 November 00:30: 1 h in October, 0,5 h in November.
    const tomEnd = fx.session(tom, '2026-10-31T23:00:00+01:00', '2026-11-01T00:30:00+01:00');
    expect(at('2026-10-25T03:30:00+01:00') - at('2026-10-25T01:30:00+02:00')).toBe(3 * HOUR);

    expect(fx.run('2026-10')).toMatchObject({ issued: 2 }); // on 1 November 2026 at 02:00, after both sessions ended
    // Olga, October: 25th 3 h = 12 blocks (9,00 € < 15,00 €), 31st 1,75 h = 7 blocks (5,25 €): 4,75 h (2 days) = 14,25 €,
    // VAT 2,85 €, TTC 17,10 €.
    const olgaOct = fx.invoiceOf({ kind: 'person', id: olga }, '2026-10')!;
    expect(linesOf(olgaOct)).toEqual(expected([
      priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 4,75 h (2 jours)', personId: olga, quantityMilli: 4750, unit: 'hour',
        unitPriceCents: 300, amountCents: 1425, vatCents: 285, evidence: sessionsEv(dst, monthEnd) }),
    ]));
    expect(olgaOct.totals).toEqual({ htCents: 1425, vatCents: 285, ttcCents: 1710 });
    // Tom, October: 25 h on the 25th + 1 h on the 31st = 26 h over 2 days, at zero.
    expect(linesOf(fx.invoiceOf({ kind: 'person', id: tom }, '2026-10')!)).toEqual(expected([
      funded({ description: 'Présence, formation financée — 2 jours, 26 h', personId: tom, quantityMilli: 26_000, evidence: sessionsEv(wholeDay, tomEnd) }),
    ]));

    expect(fx.run('2026-11')).toMatchObject({ issued: 2 }); // on 1 December 2026 at 02:00
    // Olga, November: 1st 1,75 h = 7 blocks = 5,25 €, VAT 1,05 €, TTC 6,30 €.
    const olgaNov = fx.invoiceOf({ kind: 'person', id: olga }, '2026-11')!;
    expect(linesOf(olgaNov)).toEqual(expected([
      priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 1,75 h (1 jour)', personId: olga, quantityMilli: 1750, unit: 'hour',
        unitPriceCents: 300, amountCents: 525, vatCents: 105, evidence: sessionsEv(monthEnd) }),
    ]));
    expect(olgaNov.totals).toEqual({ htCents: 525, vatCents: 105, ttcCents: 630 });
    expect(linesOf(fx.invoiceOf({ kind: 'person', id: tom }, '2026-11')!)).toEqual(expected([
      funded({ description: 'Présence, formation financée — 1 jour, 0,5 h', personId: tom, quantityMilli: 500, evidence: sessionsEv(tomEnd) }),
    ]));

    // The session across the month's end: its two parts add up to its length, 3,5 h, and it is rated once per month.
    const monthEndMs = at('2026-11-01T01:45:00+01:00') - at('2026-10-31T22:15:00+01:00');
    expect(monthEndMs).toBe(3.5 * HOUR);
    expect((4750 - 3000) + 1750).toBe((monthEndMs / HOUR) * 1000); // October's hours minus the DST day's 3 h, plus November's
    const tomEndMs = at('2026-11-01T00:30:00+01:00') - at('2026-10-31T23:00:00+01:00');
    expect((26_000 - 25_000) + 500).toBe((tomEndMs / HOUR) * 1000);
    for (const id of [monthEnd, tomEnd]) {
      expect(fx.sqlite.prepare("SELECT period FROM rated_records WHERE source = 'presence_session' AND record_id = ? ORDER BY period").all(id))
        .toEqual([{ period: '2026-10' }, { period: '2026-11' }]);
    }
    // Both runs in one series, chained.
    expect(fx.invoices().map((i) => [i.number, i.period, i.issueDate])).toEqual([
      ['2026-000001', '2026-10', '2026-11-01'], ['2026-000002', '2026-10', '2026-11-01'],
      ['2026-000003', '2026-11', '2026-12-01'], ['2026-000004', '2026-11', '2026-12-01'],
    ]);
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 4 });
  });

  it('a session ending after the run of its month is billed in the next run, as late usage, for its part in each month', () => {
    fx = openRunFixture();
    const olga = fx.person('member', 'Olga Meyer');
    // Still open when October is run (1 November 02:00); the exit comes at 03:00 on 1 November.
    const open = fx.session(olga, '2026-10-31T21:00:00+01:00', null);
    fx.run('2026-10');
    expect(fx.invoices()).toEqual([]);
    fx.sqlite.prepare('UPDATE presence_sessions SET ended_at = ? WHERE id = ?').run(at('2026-11-01T03:00:00+01:00'), open);
    fx.run('2026-11');
    // November: its 3 h of 1 November (12 blocks, 9,00 €); October's 3 h (21:00 → midnight) as late usage, 9,00 €.
    const nov = fx.invoiceOf({ kind: 'person', id: olga }, '2026-11')!;
    expect(linesOf(nov)).toEqual(expected([
      priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 3 h (1 jour)', personId: olga, quantityMilli: 3000, unit: 'hour',
        unitPriceCents: 300, amountCents: 900, vatCents: 180, evidence: sessionsEv(open) }),
      priced({ code: 'regularisation:hourly', description: 'Régularisation octobre 2026 — Heures (blocs de 15 min) × 3 h (1 jour)', personId: olga,
        quantityMilli: 3000, unit: 'hour', unitPriceCents: 300, amountCents: 900, vatCents: 180, evidence: sessionsEv(open) }),
    ]));
    expect(nov.totals).toEqual({ htCents: 1800, vatCents: 360, ttcCents: 2160 });
    expect(fx.sqlite.prepare("SELECT period FROM rated_records WHERE source = 'presence_session' AND record_id = ? ORDER BY period").all(open))
      .toEqual([{ period: '2026-10' }, { period: '2026-11' }]);
    fx.run('2026-12');
    expect(fx.invoices()).toHaveLength(1);
  });
});
