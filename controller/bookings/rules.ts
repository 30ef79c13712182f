/**
 * The booking rules as pure functions: is a requested slot allowed, when is a resource open on a
 * local day, which slots are free. All local-time reasoning goes through access/local-time.ts and
 * access/schedule.ts, so daylight saving is handled as the door schedules handle it: a 23-hour
 * spring day and a 25-hour autumn day are just their real instants.
 */
import { addDays, formatHhMm, localParts, localToEpoch, utcOffset } from '../access/local-time.js';
import type { Interval, Weekday, WeeklySlot } from '../access/model.js';
import { slotIntervals, subtract } from '../access/schedule.js';
import { MINUTE_MS, type Resource } from './model.js';

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** HH:MM of an instant, local. */
export function clockText(at: number, timeZone: string): string {
  return formatHhMm(localParts(at, timeZone).minutes);
}

/** "10:00–11:00 on Wed 2026-06-10", or both dates when the slot crosses midnight. */
export function slotText(start: number, end: number, timeZone: string): string {
  const a = localParts(start, timeZone);
  const b = localParts(end, timeZone);
  const sameDay = a.date === b.date || (b.minutes === 0 && addDays(a.date, 1) === b.date);
  if (sameDay) return `${clockText(start, timeZone)}–${clockText(end, timeZone)} on ${DAY_NAMES[a.weekday]} ${a.date}`;
  return `${DAY_NAMES[a.weekday]} ${a.date} ${clockText(start, timeZone)} to ${DAY_NAMES[b.weekday]} ${b.date} ${clockText(end, timeZone)}`;
}

/** "4 hours", "1 hour 30 minutes", "45 minutes". */
export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h > 0 ? `${h} hour${h > 1 ? 's' : ''}` : '', m > 0 || h === 0 ? `${m} minute${m === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** "mon–fri 08:00–20:00, sat 09:00–13:00". */
export function hoursText(slots: readonly WeeklySlot[]): string {
  return slots.map((s) => {
    const idx = s.days.map((d) => WEEKDAYS.indexOf(d)).sort((x, y) => x - y);
    const consecutive = idx.length > 2 && idx.every((v, i) => i === 0 || v === (idx[i - 1] as number) + 1);
    const days = consecutive ? `${WEEKDAYS[idx[0] as number]}–${WEEKDAYS[idx[idx.length - 1] as number]}` : idx.map((i) => WEEKDAYS[i]).join(', ');
    return `${days} ${s.from}–${s.to}`;
  }).join(', ');
}

/** Whether the instant falls on the resource's grid of local time (10:00, 10:15, ... for 15 minutes). */
export function onGrid(at: number, slotMinutes: number, timeZone: string): boolean {
  return (at + utcOffset(at, timeZone)) % (slotMinutes * MINUTE_MS) === 0;
}

/** The start of the grid slot the instant is in. */
export function gridFloor(at: number, slotMinutes: number, timeZone: string): number {
  const wall = at + utcOffset(at, timeZone);
  return at - (((wall % (slotMinutes * MINUTE_MS)) + slotMinutes * MINUTE_MS) % (slotMinutes * MINUTE_MS));
}

/** The instants of a local date: [its midnight, the next midnight), 23 or 25 hours on DST days. */
export function dayBounds(date: string, timeZone: string): Interval {
  return [localToEpoch(date, 0, timeZone), localToEpoch(addDays(date, 1), 0, timeZone)];
}

export interface SlotRequest {
  startsAt: number;
  endsAt: number;
  /** false when a move keeps the start (extending a meeting under way): its start may be past. */
  startChanged?: boolean;
}

/**
 * The first rule a booking request breaks, as a sentence for the person booking, or null when it
 * is allowed: order, grid, past, length, how far ahead, opening hours.
 */
export function ruleViolation(req: SlotRequest, resource: Resource, now: number, timeZone: string): string | null {
  const { startsAt, endsAt } = req;
  const { rules, name } = resource;
  const slot = slotText(startsAt, endsAt, timeZone);
  if (!(endsAt > startsAt)) return 'A booking must end after it starts.';
  for (const at of [startsAt, endsAt]) {
    if (!onGrid(at, rules.slotMinutes, timeZone)) {
      return `Bookings of ${name} start and end on the ${rules.slotMinutes}-minute grid (10:00, 10:${String(rules.slotMinutes).padStart(2, '0')}, ...): ${clockText(at, timeZone)} is not on it.`;
    }
  }
  // The slot under way may still be booked (a room needed now); earlier ones may not.
  const earliest = gridFloor(now, rules.slotMinutes, timeZone);
  if (req.startChanged !== false && startsAt < earliest) {
    return `${slot} is in the past: ${name} can be booked from ${clockText(earliest, timeZone)} today onwards.`;
  }
  const minutes = Math.round((endsAt - startsAt) / MINUTE_MS);
  if (minutes > rules.maxMinutes) {
    return `${name} may be booked for at most ${durationText(rules.maxMinutes)} at a time; ${slot} lasts ${durationText(minutes)}.`;
  }
  const lastDay = addDays(localParts(now, timeZone).date, rules.maxAheadDays);
  if (localParts(startsAt, timeZone).date > lastDay) {
    return `${name} may be booked at most ${rules.maxAheadDays} days ahead, up to ${lastDay}; ${slot} is further.`;
  }
  const outside = subtract([[startsAt, endsAt]], slotIntervals(rules.openingHours, startsAt, endsAt, timeZone));
  if (outside.length > 0) return `${name} may be booked ${hoursText(rules.openingHours)}; ${slot} is outside these hours.`;
  return null;
}

/** When the resource may be booked within [from, to). */
export function openIntervals(resource: Resource, from: number, to: number, timeZone: string): Interval[] {
  return slotIntervals(resource.rules.openingHours, from, to, timeZone);
}

/**
 * The free slots: open and not busy, shrunk to the grid (a booking released at 10:07 frees the
 * slots from 10:15), and only those of at least one grid step.
 */
export function freeSlots(open: readonly Interval[], busy: readonly Interval[], slotMinutes: number, timeZone: string): Interval[] {
  const step = slotMinutes * MINUTE_MS;
  const out: Interval[] = [];
  for (const [from, to] of subtract(open, busy)) {
    const up = onGrid(from, slotMinutes, timeZone) ? from : gridFloor(from, slotMinutes, timeZone) + step;
    const down = gridFloor(to, slotMinutes, timeZone);
    if (down - up >= step) out.push([up, down]);
  }
  return out;
}
