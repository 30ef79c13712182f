/**
 * Bookings open doors like training sessions do: the holder and the guests of a booking may enter
 * its zone (the room, or the desk's zone) during [from, until). The window already holds the
 * margin and a release (see BookingGrant), so this is plain interval arithmetic, no time zone.
 */
import type { BookingGrant, Interval } from './model.js';
import { clip, union } from './schedule.js';

/** May the person enter now because of one of these bookings (already filtered to the zone)? */
export function bookingOpen(grants: readonly BookingGrant[], epochMs: number): boolean {
  return grants.some((g) => epochMs >= g.from && epochMs < g.until);
}

/** The same, as sorted merged intervals within [fromMs, toMs), for the readers' allow-lists. */
export function bookingIntervals(grants: readonly BookingGrant[], fromMs: number, toMs: number): Interval[] {
  return clip(union(grants.map((g): Interval => [g.from, g.until])), fromMs, toMs);
}
