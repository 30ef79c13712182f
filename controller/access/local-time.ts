/**
 * Local (wall-clock) time in an IANA time zone, from Node's Intl (full ICU): no package, no clock.
 *
 * Two timelines meet here. An instant is epoch milliseconds. A "wall" time is what a clock on the
 * building's wall shows, written as if it were UTC: `dayIndex * DAY_MS + ms since local midnight`.
 * `wall = instant + utcOffset(instant)`. Wall time is linear (no DST), so slot arithmetic happens
 * there and only the conversion back to instants knows about time zones.
 *
 * Speed: `localParts` sits on the path of every badge decision. Asking Intl for each call costs
 * microseconds, so the UTC offset is cached per time zone and per UTC day (a day keeps its offset,
 * or changes it once at a transition found by bisection on the first miss). Measured on Node
 * 20.20, 2-core dev container (the benchmark in test/unit/access-local-time.test.ts logs it):
 * ≈ 0.15–0.2 µs per call after warm-up, against ≈ 4 µs for one `formatToParts`.
 */
import type { Weekday } from './model.js';

export const DAY_MS = 86_400_000; // 24 h
const MINUTE_MS = 60_000; // 1 min
/** Monday first; day index 0 (1970-01-01) was a Thursday, hence the +3 in weekdayOfDay. */
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** Bounds the per-zone cache: ~27 years of distinct days, far more than a running controller asks for. */
const MAX_CACHED_DAYS = 10_000;

export interface LocalParts {
  /** YYYY-MM-DD, local */
  date: string;
  weekday: Weekday;
  /** whole minutes since local midnight, 0–1439 */
  minutes: number;
}

/** The offset through one UTC day: `before` until `switchAt` (exclusive), `after` from it. */
interface DayOffsets { before: number; after: number; switchAt: number }

interface ZoneCache { format: Intl.DateTimeFormat; days: Map<number, DayOffsets> }

const zones = new Map<string, ZoneCache>();

function zone(timeZone: string): ZoneCache {
  let z = zones.get(timeZone);
  if (z === undefined) {
    // Throws a RangeError on an unknown time zone, which is what a caller should see.
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone, calendar: 'gregory', numberingSystem: 'latn', hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    z = { format, days: new Map() };
    zones.set(timeZone, z);
  }
  return z;
}

/** The offset straight from ICU (slow path). Offsets are whole seconds, so the instant is floored to one. */
function offsetFromIntl(format: Intl.DateTimeFormat, epochMs: number): number {
  const at = Math.floor(epochMs / 1000) * 1000;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of format.formatToParts(at)) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default: break;
    }
  }
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 - at;
}

/** First instant (to the second) in (lo, hi] whose offset differs from lo's; the offset must differ at hi. */
function findSwitch(format: Intl.DateTimeFormat, lo: number, hi: number): number {
  lo = Math.floor(lo / 1000) * 1000; // whole seconds, so the answer is one too
  hi = Math.ceil(hi / 1000) * 1000;
  const before = offsetFromIntl(format, lo);
  while (hi - lo > 1000) {
    const mid = lo + Math.max(1, Math.floor((hi - lo) / 2000)) * 1000;
    if (offsetFromIntl(format, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The offset of one UTC day. Assumes at most one transition per UTC day, true of every zone in
 * the tz database (transitions are months apart; even Apia skipping 30 Dec 2011 was one jump).
 */
function dayOffsets(z: ZoneCache, day: number): DayOffsets {
  let e = z.days.get(day);
  if (e === undefined) {
    const start = day * DAY_MS;
    const before = offsetFromIntl(z.format, start);
    const after = offsetFromIntl(z.format, start + DAY_MS);
    const switchAt = before === after ? start + DAY_MS : findSwitch(z.format, start, start + DAY_MS);
    e = { before, after, switchAt };
    if (z.days.size >= MAX_CACHED_DAYS) z.days.clear();
    z.days.set(day, e);
  }
  return e;
}

/** UTC offset in ms (local − UTC) at an instant: +7_200_000 in Paris in summer. */
export function utcOffset(epochMs: number, timeZone: string): number {
  const e = dayOffsets(zone(timeZone), Math.floor(epochMs / DAY_MS));
  return epochMs < e.switchAt ? e.before : e.after;
}

/** Maximal runs of constant offset covering [fromMs, toMs), in order; empty if the range is. */
export function offsetSpans(fromMs: number, toMs: number, timeZone: string): Array<{ from: number; to: number; offset: number }> {
  const z = zone(timeZone);
  const spans: Array<{ from: number; to: number; offset: number }> = [];
  const push = (from: number, to: number, offset: number): void => {
    if (from >= to) return;
    const last = spans[spans.length - 1];
    if (last !== undefined && last.offset === offset && last.to === from) last.to = to;
    else spans.push({ from, to, offset });
  };
  for (let day = Math.floor(fromMs / DAY_MS); day * DAY_MS < toMs; day++) {
    const e = dayOffsets(z, day);
    const lo = Math.max(fromMs, day * DAY_MS);
    const hi = Math.min(toMs, (day + 1) * DAY_MS);
    push(lo, Math.min(hi, e.switchAt), e.before);
    push(Math.max(lo, e.switchAt), hi, e.after);
  }
  return spans;
}

// Howard Hinnant's civil-calendar algorithms: exact for any proleptic Gregorian date, no Date object.
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Day index (days since 1970-01-01) → 'YYYY-MM-DD' (years 0–9999). */
export function dayToDate(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → day index; a RangeError on anything that is not a real calendar date. */
export function dateToDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const day = daysFromCivil(y, mo, d);
  // Round-tripping rejects 2026-02-30 and month 13 without a table of month lengths.
  if (mo < 1 || mo > 12 || d < 1 || dayToDate(day) !== date) throw new RangeError(`no such date: ${date}`);
  return day;
}

export function weekdayOfDay(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] as Weekday; // index is always 0–6
}

/** The local date, weekday and minute of an instant. */
export function localParts(epochMs: number, timeZone: string): LocalParts {
  const wall = epochMs + utcOffset(epochMs, timeZone);
  const day = Math.floor(wall / DAY_MS);
  return { date: dayToDate(day), weekday: weekdayOfDay(day), minutes: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
}

/**
 * The instant a local date and time happen. Minutes may reach 1440 (next midnight) or beyond.
 * - A time skipped by a spring-forward (02:30 on 2026-03-29 in Paris) gives the instant the
 *   clocks jump to (03:00 local, 01:00Z): the first moment at or after that wall time.
 * - A time that happens twice at autumn (02:30 on 2026-10-25) gives its first occurrence.
 */
export function localToEpoch(date: string, minutes: number, timeZone: string): number {
  if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be finite: ${minutes}`);
  const wall = dateToDay(date) * DAY_MS + minutes * MINUTE_MS;
  // The offsets a day either side bracket any single transition near this wall time.
  const early = wall - utcOffset(wall - DAY_MS, timeZone);
  const late = wall - utcOffset(wall + DAY_MS, timeZone);
  const earlyOk = early + utcOffset(early, timeZone) === wall;
  const lateOk = late + utcOffset(late, timeZone) === wall;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // A gap: the transition lies between the two readings (late < early when clocks go forward).
  return findSwitch(zone(timeZone).format, Math.min(early, late), Math.max(early, late));
}

export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`days must be an integer: ${n}`);
  return dayToDate(dateToDay(date) + n);
}

const HHMM_RE = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const hhmmCache = new Map<string, number>(); // at most 1441 keys: every valid HH:MM

/** Minutes since midnight → 'HH:MM' (the inverse of parseHhMm). */
export function formatHhMm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** 'HH:MM' → minutes since midnight; '24:00' → 1440. A RangeError on anything else ('8:30', '24:01'). */
export function parseHhMm(hhmm: string): number {
  const cached = hhmmCache.get(hhmm);
  if (cached !== undefined) return cached;
  const m = HHMM_RE.exec(hhmm);
  if (m === null) throw new RangeError(`not an HH:MM time: ${JSON.stringify(hhmm)}`);
  const minutes = m[1] === undefined ? 1440 : Number(m[1]) * 60 + Number(m[2]);
  hhmmCache.set(hhmm, minutes);
  return minutes;
}
