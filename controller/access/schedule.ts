/**
 * Weekly slots in local time → "open now?" and the absolute intervals sent to readers.
 *
 * Rule 1, daylight saving: a slot covers every instant at which the building's wall clock shows
 * a time inside it. So on a spring-forward day 01:00–04:00 lasts 2 real hours and a slot inside
 * the skipped hour never opens; on an autumn-back day 01:00–04:00 lasts 4 hours and the repeated
 * hour is covered twice; a slot that starts in a skipped time opens when the clocks jump (as
 * localToEpoch does). A boundary inside the repeated hour gives two pieces (02:00–02:30 on
 * 2026-10-25 in Paris opens 00:00Z–00:30Z and again 01:00Z–01:30Z). Why this rule: it is what
 * people read on the wall, and `inWeeklySlots` (online decision) and `slotIntervals` (reader's
 * offline list) are the same set of instants by construction, so a badge gets the same answer
 * whether the controller is reachable or not.
 *
 * Rule 2, closed days: an occurrence of a slot belongs to the local day it starts on (the day
 * named in `days`). A closed day (holiday or closure) removes the occurrences that start on it,
 * including their part after midnight; an occurrence that started on an open day runs to its
 * end even into a closed day. Why: a Thursday 22:00–02:00 night session must not lock people
 * out at midnight because New Year's Day begins, and a slot that starts on a holiday does not
 * open at all, not even after midnight on the following ordinary day.
 *
 * Slot shapes: `to` > `from` is [from, to) that day; `to` ≤ `from` crosses midnight and ends at
 * `to` the next day (fri 22:00–02:00 → Saturday 02:00), so from === to is 24 hours from `from`
 * ('00:00'–'00:00', like '00:00'–'24:00', is the whole day); '24:00' as `to` is the day's end.
 *
 * Internally a slot occurrence is a window of "wall" ms (see local-time.ts): day * DAY_MS + ms
 * since local midnight. Windows are mapped to instants one offset span at a time.
 */
import { closedDay } from './holidays.js';
import { DAY_MS, dayToDate, offsetSpans, parseHhMm, utcOffset, weekdayOfDay } from './local-time.js';
import type { Closure, Interval, Schedule, WeeklySlot } from './model.js';

const MINUTE_MS = 60_000; // 1 min
/** Longest wall time between an instant and its local time: ±14 h (Kiribati), rounded up to a day. */
const MAX_OFFSET_MS = DAY_MS;

/** Whether the occurrences starting on this local day apply. */
type DayOpen = (day: number) => boolean;
const everyDay: DayOpen = () => true;
const openDays = (closures: readonly Closure[]): DayOpen => (day) => closedDay(dayToDate(day), closures) === undefined;

/** The wall window of a slot's occurrence starting on local day `day`. Ends at most 2 days later. */
function slotWindow(slot: WeeklySlot, day: number): Interval {
  const from = parseHhMm(slot.from) * MINUTE_MS;
  const to = parseHhMm(slot.to) * MINUTE_MS;
  return [day * DAY_MS + from, day * DAY_MS + (to > from ? to : DAY_MS + to)];
}

function coveredAt(slots: readonly WeeklySlot[], epochMs: number, timeZone: string, dayOpen: DayOpen): boolean {
  const wall = epochMs + utcOffset(epochMs, timeZone);
  const today = Math.floor(wall / DAY_MS);
  // A window starts within its own day (or at its end, for a '24:00' start) and lasts ≤ 24 h,
  // so only the occurrences of today and yesterday can cover this instant.
  for (let day = today; day >= today - 1; day--) {
    const weekday = weekdayOfDay(day);
    let open: boolean | undefined; // asked once per day, and only when a slot matches
    for (const slot of slots) {
      if (!slot.days.includes(weekday)) continue;
      const [from, to] = slotWindow(slot, day);
      if (wall < from || wall >= to) continue;
      open ??= dayOpen(day);
      if (open) return true;
    }
  }
  return false;
}

/** Is the instant inside one of the slots (holidays ignored: door unlock slots, raw schedules)? */
export function inWeeklySlots(slots: readonly WeeklySlot[], epochMs: number, timeZone: string): boolean {
  return coveredAt(slots, epochMs, timeZone, everyDay);
}

/** Is the schedule open at the instant? Closed days remove the occurrences starting on them (rule 2). */
export function scheduleOpen(schedule: Schedule, epochMs: number, timeZone: string, closures: readonly Closure[]): boolean {
  return coveredAt(schedule.slots, epochMs, timeZone, schedule.openOnHolidays ? everyDay : openDays(closures));
}

function intervalsOf(slots: readonly WeeklySlot[], fromMs: number, toMs: number, timeZone: string, dayOpen: DayOpen): Interval[] {
  if (!(fromMs < toMs) || slots.length === 0) return [];
  const windows: Interval[] = [];
  // Windows start up to a day before their instants and the offset shifts by less than a day.
  const firstDay = Math.floor((fromMs - MAX_OFFSET_MS) / DAY_MS) - 1;
  const lastDay = Math.floor((toMs + MAX_OFFSET_MS) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = weekdayOfDay(day);
    let open: boolean | undefined;
    for (const slot of slots) {
      if (!slot.days.includes(weekday)) continue;
      open ??= dayOpen(day);
      if (open) windows.push(slotWindow(slot, day));
    }
  }
  const merged = union(windows);
  const out: Interval[] = [];
  // Within a span of constant offset, wall = instant + offset: a window maps by one subtraction.
  for (const span of offsetSpans(fromMs, toMs, timeZone)) {
    for (const [from, to] of merged) {
      const a = Math.max(from - span.offset, span.from);
      const b = Math.min(to - span.offset, span.to);
      if (a < b) out.push([a, b]);
    }
  }
  return union(out);
}

/** The instants [from, to) the slots cover within [fromMs, toMs): sorted, merged, DST-correct. */
export function slotIntervals(slots: readonly WeeklySlot[], fromMs: number, toMs: number, timeZone: string): Interval[] {
  return intervalsOf(slots, fromMs, toMs, timeZone, everyDay);
}

/** As slotIntervals, without the occurrences starting on closed days unless openOnHolidays (rule 2). */
export function scheduleIntervals(
  schedule: Schedule, fromMs: number, toMs: number, timeZone: string, closures: readonly Closure[],
): Interval[] {
  return intervalsOf(schedule.slots, fromMs, toMs, timeZone, schedule.openOnHolidays ? everyDay : openDays(closures));
}

// Interval lists. Each helper accepts lists in any order, overlapping or with empty intervals,
// and returns a normalized one: sorted, non-empty, disjoint, with touching intervals merged
// ([1,2] and [2,3] give [1,3]). Normalizing the inputs costs little at these sizes (a reader's
// list holds at most 32) and spares callers a precondition they could silently break.

/** All intervals of all lists, normalized. New tuples: the inputs are never aliased. */
export function union(...lists: ReadonlyArray<readonly Interval[]>): Interval[] {
  const all: Interval[] = [];
  for (const list of lists) for (const [from, to] of list) if (from < to) all.push([from, to]);
  all.sort((p, q) => p[0] - q[0]);
  const out: Interval[] = [];
  for (const iv of all) {
    const last = out[out.length - 1];
    if (last !== undefined && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push(iv);
  }
  return out;
}

/** The instants in both lists. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = union(a);
  const y = union(b);
  const out: Interval[] = [];
  let i = 0, j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i] as Interval; // i, j are in range: checked by the loop condition
    const q = y[j] as Interval;
    const from = Math.max(p[0], q[0]);
    const to = Math.min(p[1], q[1]);
    if (from < to) out.push([from, to]);
    if (p[1] < q[1]) i++;
    else j++;
  }
  return out;
}

/** The list within [fromMs, toMs). */
export function clip(list: readonly Interval[], fromMs: number, toMs: number): Interval[] {
  return intersect(list, [[fromMs, toMs]]);
}

/** The instants of `a` that are not in `b`. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const y = union(b);
  const out: Interval[] = [];
  let j = 0;
  for (const [from, to] of union(a)) {
    let start = from;
    while (j < y.length && (y[j] as Interval)[1] <= start) j++; // cuts wholly before: never needed again
    for (let k = j; k < y.length; k++) {
      const [cutFrom, cutTo] = y[k] as Interval; // k < y.length
      if (cutFrom >= to) break;
      if (cutFrom > start) out.push([start, cutFrom]);
      start = Math.max(start, cutTo);
      if (start >= to) break;
    }
    if (start < to) out.push([start, to]);
  }
  return out;
}
