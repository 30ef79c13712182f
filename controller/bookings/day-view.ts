import type { Interval } from '../access/model.js';
import type { Actor, Booking, BookingKind, BookingStatus } from './model.js';
import type { ResourceCatalog } from './resources.js';
import { dayBounds, freeSlots, openIntervals } from './rules.js';
import { involves } from './service.js';
import type { BookingStore } from './store.js';

export interface Span { start: number; end: number }
export interface BusySpan extends Span {
  bookingId: number;
  kind: BookingKind;
  status: BookingStatus;
  mine: boolean;
  /** The holder's name and the title: for staff, and for a member's own bookings; null otherwise. */
  holder: string | null;
  title: string | null;
}
export interface ResourceDay { resourceId: string; open: Span[]; free: Span[]; busy: BusySpan[] }
export interface DayView { date: string; timeZone: string; resources: ResourceDay[] }

const span = ([start, end]: Interval): Span => ({ start, end });

/**
 * One local day of every resource: when it is open, which slots are free, and what holds it
 * (confirmed bookings and blocks, released ones only up to their release). Names and titles go
 * to staff and to the people concerned; everyone else sees an anonymous busy slot.
 */
export function dayView(date: string, deps: { catalog: ResourceCatalog; store: BookingStore; timeZone: string }, actor: Actor | null): DayView {
  const { catalog, store, timeZone } = deps;
  const [from, to] = dayBounds(date, timeZone);
  const byResource = new Map<string, Booking[]>();
  for (const b of store.occupying(from, to)) byResource.set(b.resourceId, [...(byResource.get(b.resourceId) ?? []), b]);
  const resources = catalog.all().map((resource): ResourceDay => {
    const open = openIntervals(resource, from, to, timeZone);
    const busy = (byResource.get(resource.id) ?? []).map((b): BusySpan => {
      const mine = actor !== null && involves(b, actor.personId);
      const visible = mine || actor?.staff === true;
      return {
        bookingId: b.id, start: b.startsAt, end: b.status === 'released' ? b.releasedAt ?? b.endsAt : b.endsAt, kind: b.kind, status: b.status,
        mine, holder: visible ? b.holder : null, title: visible ? b.title : null,
      };
    });
    const free = freeSlots(open, busy.map((b): Interval => [b.start, b.end]), resource.rules.slotMinutes, timeZone);
    return { resourceId: resource.id, open: open.map(span), free: free.map(span), busy };
  });
  return { date, timeZone, resources };
}

/** The same day for the public page: when things are busy, never by whom or why. */
export function publicDayView(view: DayView): {
  date: string; timeZone: string; resources: Array<{ resourceId: string; open: Span[]; free: Span[]; busy: Array<Span & { kind: BookingKind; status: BookingStatus }> }>;
} {
  return {
    ...view,
    resources: view.resources.map((r) => ({ ...r, busy: r.busy.map(({ start, end, kind, status }) => ({ start, end, kind, status })) })),
  };
}
