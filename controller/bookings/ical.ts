import ical, { ICalEventStatus } from 'ical-generator';
import type { Booking, Resource } from './model.js';

export const icalDefaults = {
  pastDays: 30, // a feed shows the last 30 days and everything ahead
  refreshMinutes: 15, // calendar apps are asked to look again every 15 minutes
  bookedSummary: 'Réservé', // a member's booking in a feed anyone with the URL can read: no title, no name
};

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
