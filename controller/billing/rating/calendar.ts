/**
 * The local days of a billing month, computed once per (time zone, month): the instants of its
 * local midnights. Bucketing a record is then a binary search over ≤ 32 numbers, with no Intl
 * call per record. DST needs no special case: the day of a spring-forward is 23 hours long and
 * the day of a fall-back 25 hours, because a day is whatever lies between two midnights.
 */
import { dayToDate, daysFromCivil, localToEpoch } from '../../access/local-time.js';
import type { BillingPeriod } from './types.js';

export interface MonthCalendar {
  year: number;
  month: number;
  timeZone: string;
  /** Days in the month (28–31). */
  days: number;
  /** First instant of the month (local midnight of day 1), epoch ms. */
  start: number;
  /** First instant after the month (local midnight of the next month's day 1). */
  end: number;
  /** days + 1 instants: midnights[d] is the start of local day d (0-based), midnights[days] === end. */
  midnights: Float64Array;
}

const cache = new Map<string, MonthCalendar>();
const MAX_CACHED = 64; // months × zones a process bills; cleared when exceeded

export function monthCalendar(period: BillingPeriod, timeZone: string): MonthCalendar {
  const { year, month } = period;
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12 || year < 1970 || year > 9999) {
    throw new RangeError(`not a billing period: ${JSON.stringify(period)}`);
  }
  const key = `${timeZone}|${year}|${month}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const first = daysFromCivil(year, month, 1);
  const next = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  const days = next - first;
  const midnights = new Float64Array(days + 1);
  for (let d = 0; d <= days; d++) midnights[d] = localToEpoch(dayToDate(first + d), 0, timeZone);
  const cal: MonthCalendar = { year, month, timeZone, days, start: midnights[0] as number, end: midnights[days] as number, midnights };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, cal);
  return cal;
}

/** The local day (0-based) of an instant: -1 before the month, `days` from its end on. */
export function dayIndex(cal: MonthCalendar, t: number): number {
  const m = cal.midnights;
  if (t < cal.start) return -1;
  if (t >= cal.end) return cal.days;
  let lo = 0;
  let hi = cal.days; // m[lo] <= t < m[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((m[mid] as number) <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Length of local day d in ms: 23, 24 or 25 hours in Paris. */
export function dayLength(cal: MonthCalendar, d: number): number {
  return (cal.midnights[d + 1] as number) - (cal.midnights[d] as number);
}
