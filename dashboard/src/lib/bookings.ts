import { api } from './api.js';

/**
 * The bookings API as the pages call it (controller/bookings), and the few pure computations the
 * grid and the public page share: the free gaps of a day, a room's state now, the lengths offered.
 * Times are epoch milliseconds; days are YYYY-MM-DD in the building's time zone.
 */

export type BookingId = number | string;
export type BookingStatus = 'confirmed' | 'cancelled' | 'released';
export type BusyKind = 'booking' | 'block';

export interface BookingRules {
  slotMinutes: number;
  openingHours: unknown;
  maxMinutes: number;
  maxAheadDays: number;
  cancelBeforeMinutes: number;
  graceMinutes: number;
  marginMinutes: number;
}

export interface BookableResource {
  id: string;
  name: string;
  kind: 'room' | 'desk';
  zoneId: string;
  deskId: string | null;
  seats: number | null;
  rules: BookingRules;
  /** Whether the caller may book it (plan, group, role). */
  mayBook: boolean;
}

export interface Interval { start: number; end: number }

/** A busy stretch of a day. The public answer leaves out who and what (bookingId, mine, holder, title). */
export interface BusySlot extends Interval {
  bookingId?: BookingId;
  kind: BusyKind;
  status: BookingStatus;
  mine?: boolean;
  holder?: string | null;
  title?: string | null;
}

export interface DayResource {
  resourceId: string;
  open: Interval[];
  /** The bookable free slots, on the resource's grid (a booking released at 10:07 frees them from 10:15). */
  free?: Interval[];
  busy: BusySlot[];
}
export interface BookingDay { date: string; timeZone: string; resources: DayResource[] }

export interface Booking {
  id: BookingId;
  resourceId: string;
  personId: number | null;
  holder: string | null;
  title: string | null;
  kind: BusyKind;
  status: BookingStatus;
  startsAt: number;
  endsAt: number;
  guestIds: number[];
  createdBy: string | null;
  createdAt: number;
  cancelledAt: number | null;
  releasedAt: number | null;
  releaseEvidence: unknown;
  checkedInAt: number | null;
}

export interface BookingNotice { id: BookingId; bookingId: BookingId; resourceId: string; kind: string; at: number; detail: unknown }
export interface BookingFeed { resourceId: string; url: string }

export interface NewBooking {
  resourceId: string;
  startsAt: number;
  endsAt: number;
  title?: string;
  guestIds?: number[];
  personId?: number;
}

/** A person as GET /api/people lists them (staff only), for the booking form's picker. */
export interface PersonSummary { id: number; name: string; kind: string; email: string | null; companyName: string | null }

const id = (bookingId: BookingId): string => encodeURIComponent(String(bookingId));

export const bookingsApi = {
  resources: async (): Promise<BookableResource[]> => (await api.get<{ resources: BookableResource[] }>('/api/bookings/resources')).resources,
  day: (date: string): Promise<BookingDay> => api.get<BookingDay>(`/api/bookings/day?date=${encodeURIComponent(date)}`),
  publicDay: (date: string): Promise<BookingDay> => api.get<BookingDay>(`/api/public/bookings/day?date=${encodeURIComponent(date)}`),
  get: async (bookingId: BookingId): Promise<Booking> => (await api.get<{ booking: Booking }>(`/api/bookings/${id(bookingId)}`)).booking,
  create: async (b: NewBooking): Promise<Booking> => (await api.post<{ booking: Booking }>('/api/bookings', b)).booking,
  move: async (bookingId: BookingId, startsAt: number, endsAt: number): Promise<Booking> =>
    (await api.patch<{ booking: Booking }>(`/api/bookings/${id(bookingId)}`, { startsAt, endsAt })).booking,
  cancel: async (bookingId: BookingId): Promise<Booking> => (await api.del<{ booking: Booking }>(`/api/bookings/${id(bookingId)}`)).booking,
  block: async (b: { resourceId: string; startsAt: number; endsAt: number; reason: string }): Promise<unknown> => api.post('/api/bookings/blocks', b),
  notices: async (): Promise<BookingNotice[]> => (await api.get<{ notices: BookingNotice[] }>('/api/bookings/notices')).notices,
  feeds: async (): Promise<BookingFeed[]> => (await api.get<{ feeds: BookingFeed[] }>('/api/bookings/feeds')).feeds,
  people: (q: string): Promise<PersonSummary[]> => api.get<PersonSummary[]>(`/api/people?active=true&limit=20&q=${encodeURIComponent(q)}`),
};

/** Whether a live event is about bookings (`booking`, `booking_notice`): the pages then fetch the day again. */
export function isBookingEvent(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('booking');
}

/** The stretches of the opening hours that nothing holds: `open` minus `busy`, in order. */
export function freeGaps(open: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const taken = [...busy].filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
  const gaps: Interval[] = [];
  for (const o of [...open].sort((a, b) => a.start - b.start)) {
    let from = o.start;
    for (const b of taken) {
      if (b.end <= from || b.start >= o.end) continue;
      if (b.start > from) gaps.push({ start: from, end: Math.min(b.start, o.end) });
      from = Math.max(from, b.end);
      if (from >= o.end) break;
    }
    if (from < o.end) gaps.push({ start: from, end: o.end });
  }
  return gaps;
}

export interface NowState {
  /** Within its opening hours now. */
  open: boolean;
  /** What holds it now (a booking or a block), if anything. */
  busy: BusySlot | null;
  /** Free now: until when (the next booking, or closing time). */
  freeUntil: number | null;
  /** When it is next free, if it is not now (null: not again this day). */
  nextFree: number | null;
}

/** A resource's state at `now`, from its day. */
export function stateAt(r: DayResource, now: number): NowState {
  const open = r.open.some((o) => o.start <= now && now < o.end);
  const busy = r.busy.find((b) => b.start <= now && now < b.end) ?? null;
  const gaps = freeGaps(r.open, r.busy).filter((g) => g.end > now);
  const current = gaps.find((g) => g.start <= now) ?? null;
  if (open && busy === null && current !== null) return { open, busy, freeUntil: current.end, nextFree: null };
  const next = gaps.find((g) => g.start > now) ?? null;
  return { open, busy, freeUntil: null, nextFree: next?.start ?? null };
}

/** The lengths (minutes) the form offers: whole slots, up to the longest allowed, a dozen at most. */
export function durationChoices(slotMinutes: number, maxMinutes: number): number[] {
  const slot = Math.max(1, Math.round(slotMinutes));
  const max = Math.max(slot, maxMinutes);
  const wanted = new Set<number>();
  for (const k of [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48]) wanted.add(k * slot);
  for (const m of [15, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720]) if (m % slot === 0) wanted.add(m);
  wanted.add(max - (max % slot));
  return [...wanted].filter((m) => m >= slot && m <= max).sort((a, b) => a - b);
}

/** Rooms first, then desks; by name within each. */
export function sortResources<T extends { kind: string; name: string }>(resources: readonly T[]): T[] {
  const rank = (k: string): number => (k === 'room' ? 0 : k === 'desk' ? 1 : 2);
  return [...resources].sort((a, b) => rank(a.kind) - rank(b.kind) || a.name.localeCompare(b.name, 'fr', { numeric: true }));
}
