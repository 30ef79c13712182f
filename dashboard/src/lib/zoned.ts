/**
 * Wall-clock arithmetic in the building's time zone, whatever the browser's: a day is a
 * YYYY-MM-DD string, a time of day a number of minutes since its midnight. Pure functions (no DOM),
 * so the tests call them directly.
 */

const MINUTE = 60_000;

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsOf(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let fmt = partsFormats.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormats.set(timeZone, fmt);
  }
  const out = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const p of fmt.formatToParts(ms)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const p = partsOf(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

function ymd(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The instant of `minutes` past local midnight of `date` in `timeZone` (09:30 is 570). */
export function zonedEpoch(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = ymd(date);
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone); // again, in case the offset changes in between (a DST night)
}

/** The day of `ms` in `timeZone`, YYYY-MM-DD. */
export function zonedDate(ms: number, timeZone: string): string {
  const p = partsOf(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Minutes since local midnight of `ms` in `timeZone` (seconds dropped). */
export function zonedMinutes(ms: number, timeZone: string): number {
  const p = partsOf(ms, timeZone);
  return p.hour * 60 + p.minute;
}

/** "HH:MM", 24-hour, as a time input wants it. */
export function hhmm(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "09:30" → 570; null when it is not a time. */
export function parseHhmm(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** The day `n` days after `date` (before, when n < 0). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = ymd(date);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The first slot boundary at or after `ms` (slots of `slotMinutes`, counted from local midnight). */
export function ceilToSlot(ms: number, slotMinutes: number, timeZone: string): number {
  const date = zonedDate(ms, timeZone);
  const midnight = zonedEpoch(date, 0, timeZone);
  const step = slotMinutes * MINUTE;
  return midnight + Math.ceil((ms - midnight) / step) * step;
}

/** The slot boundary at or before `ms`. */
export function floorToSlot(ms: number, slotMinutes: number, timeZone: string): number {
  const date = zonedDate(ms, timeZone);
  const midnight = zonedEpoch(date, 0, timeZone);
  const step = slotMinutes * MINUTE;
  return midnight + Math.floor((ms - midnight) / step) * step;
}
