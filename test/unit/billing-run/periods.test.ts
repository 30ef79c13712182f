import { describe, expect, it } from 'vitest';
import { addMonths, duePeriods, parsePeriod, periodBounds, periodOf, runDueAt } from '../../../controller/billing/run/periods.js';

const TZ = 'Europe/Paris';
const at = { day: 1, minutes: 2 * 60 }; // the 1st at 02:00

describe('billing periods', () => {
  it('are local calendar months, DST-correct', () => {
    // March 2026: starts at 00:00 CET (UTC+1), ends at 00:00 CEST (UTC+2) on 1 April.
    expect(periodBounds('2026-03', TZ)).toEqual({ from: Date.UTC(2026, 1, 28, 23), to: Date.UTC(2026, 2, 31, 22) });
    // 23:30 UTC on 31 October 2026 is already 1 November in Paris (UTC+1 after the autumn change).
    expect(periodOf(Date.UTC(2026, 9, 31, 23, 30), TZ)).toBe('2026-11');
    expect(periodOf(Date.UTC(2026, 9, 31, 22, 30), TZ)).toBe('2026-10');
  });

  it('add months across years and reject what is not a period', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2026-05', -17)).toBe('2024-12');
    expect(() => parsePeriod('2026-13')).toThrow(/YYYY-MM/);
    expect(() => parsePeriod('26-01')).toThrow(RangeError);
  });

  it('a run is due on the 1st of the next month at 02:00 local', () => {
    expect(runDueAt('2026-10', TZ, at)).toBe(Date.UTC(2026, 10, 1, 1)); // 02:00 CET
    expect(runDueAt('2026-06', TZ, at)).toBe(Date.UTC(2026, 6, 1, 0)); // 02:00 CEST
  });

  it('due periods: none before 02:00 on the 1st, the month just ended after it', () => {
    const before = Date.UTC(2026, 10, 1, 0, 59); // 01:59 local on 1 November
    const after = Date.UTC(2026, 10, 1, 1, 0);
    expect(duePeriods('2026-09', before, TZ, at)).toEqual([]);
    expect(duePeriods('2026-09', after, TZ, at)).toEqual(['2026-10']);
    expect(duePeriods('2026-10', after, TZ, at)).toEqual([]);
  });

  it('missed runs are caught up oldest first, at most maxCatchUp of them; a first run bills only the last month', () => {
    const now = Date.UTC(2027, 1, 15); // mid-February 2027
    expect(duePeriods('2026-10', now, TZ, at)).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(duePeriods('2026-10', now, TZ, at, 2)).toEqual(['2026-12', '2027-01']);
    expect(duePeriods(null, now, TZ, at)).toEqual(['2027-01']);
  });
});
