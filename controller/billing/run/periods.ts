import { localParts, localToEpoch } from '../../access/local-time.js';

/** A billing period: one calendar month in the building's time zone, written 'YYYY-MM'. */
export type Period = string;

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parsePeriod(period: string): { year: number; month: number } {
  const m = PERIOD_RE.exec(period);
  if (m === null) throw new RangeError(`not a billing period (YYYY-MM): ${JSON.stringify(period)}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function formatPeriod(year: number, month: number): Period {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function addMonths(period: Period, n: number): Period {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + n;
  return formatPeriod(Math.floor(index / 12), (index % 12) + 1);
}

/** The period an instant falls in, in local time. */
export function periodOf(epochMs: number, timeZone: string): Period {
  return localParts(epochMs, timeZone).date.slice(0, 7);
}

/** [first local midnight of the month, first local midnight of the next) as epoch ms. */
export function periodBounds(period: Period, timeZone: string): { from: number; to: number } {
  return { from: localToEpoch(`${period}-01`, 0, timeZone), to: localToEpoch(`${addMonths(period, 1)}-01`, 0, timeZone) };
}

/** When the run of `period` is due: on the given day of the next month at the given local minute. */
export function runDueAt(period: Period, timeZone: string, at: { day: number; minutes: number }): number {
  return localToEpoch(`${addMonths(period, 1)}-${String(at.day).padStart(2, '0')}`, at.minutes, timeZone);
}

/**
 * The periods whose run is due at `now` and has not happened, oldest first: after downtime every
 * missed month is caught up, never more than `maxCatchUp` of them (a database restored from long
 * ago should not issue years of invoices unattended). With no run yet, only the last due period.
 */
export function duePeriods(lastRun: Period | null, now: number, timeZone: string, at: { day: number; minutes: number }, maxCatchUp = 12): Period[] {
  let latest = addMonths(periodOf(now, timeZone), -1);
  if (now < runDueAt(latest, timeZone, at)) latest = addMonths(latest, -1);
  if (lastRun === null) return [latest];
  const out: Period[] = [];
  for (let p = addMonths(lastRun, 1); p <= latest; p = addMonths(p, 1)) out.push(p);
  return out.slice(-maxCatchUp);
}
