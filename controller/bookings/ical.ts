import ical, { ICalEventStatus } from 'ical-generator';
import { icalDefaults } from './ical-defaults.js';
import type { Booking, Resource } from './model.js';


/**
 * A room's calendar as iCalendar text: one event per confirmed booking or block (a block shows
 * its reason, a member's booking only that it is booked), a released booking ending at its
 * release. Times are UTC instants, which every calendar app shows in its own zone.
 */
export function renderFeed(resource: Resource, bookings: readonly Booking[], opts: { siteId: string; siteName: string; now: number }): string {
  const calendar = ical({
    name: `${resource.name} — ${opts.siteName}`,
    prodId: { company: 'Ménil-Flin', product: 'building-controller', language: 'FR' },
    ttl: icalDefaults.refreshMinutes * 60,
  });
  for (const b of bookings) {
    if (b.status === 'cancelled') continue;
    const end = b.status === 'released' ? b.releasedAt ?? b.endsAt : b.endsAt;
    if (end <= b.startsAt) continue;
    calendar.createEvent({
      id: `booking-${b.id}@${opts.siteId}`,
      start: new Date(b.startsAt),
      end: new Date(end),
      stamp: new Date(opts.now),
      summary: b.kind === 'block' ? b.title ?? 'Indisponible' : icalDefaults.bookedSummary,
      location: resource.name,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
