import Type, { type Static } from 'typebox';
import { EpochMs, Nullable, RowId, strict, Text, WeeklySlot } from '../../access/routes/common.js';

/** The shapes of the bookings API, for validation and the OpenAPI document. */

export const TAGS = ['bookings'];
export const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: "YYYY-MM-DD in the building's time zone" });
export const ResourceId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$', description: 'A bookable resource: a room (its zone id) or a desk (its desk id)' });
export const KIND = Type.Enum(['booking', 'block']);
export const STATUS = Type.Enum(['confirmed', 'cancelled', 'released'], { description: 'released: given back by the no-show job' });

export const Span = Type.Object({ start: EpochMs, end: EpochMs });

export const Rules = Type.Object({
  slotMinutes: Type.Integer({ description: 'Bookings start and end on this grid of local time' }),
  openingHours: Type.Array(WeeklySlot),
  maxMinutes: Type.Integer(),
  maxAheadDays: Type.Integer(),
  cancelBeforeMinutes: Type.Integer({ description: 'Members cannot cancel or move later than this before the start' }),
  graceMinutes: Type.Integer({ description: 'Released when nobody came this long after the start' }),
  marginMinutes: Type.Integer({ description: 'The door opens this long before the start and stays open this long after the end' }),
});

export const Resource = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Enum(['room', 'desk']),
  zoneId: Type.String(),
  deskId: Nullable(Type.String()),
  seats: Nullable(Type.Integer()),
  rules: Rules,
  mayBook: Type.Boolean({ description: 'Whether the caller may book it (staff: always)' }),
});

export const ReleaseEvidence = Type.Object({
  sensorId: Nullable(Type.String()),
  sensorOnline: Nullable(Type.Boolean()),
  sensorOccupiedSeen: Type.Boolean(),
  doorPassages: Type.Integer(),
  doorGrants: Type.Integer(),
  checkedFrom: EpochMs,
  checkedUntil: EpochMs,
  graceMinutes: Type.Integer(),
});

export const Booking = Type.Object({
  id: Type.Integer(),
  resourceId: Type.String(),
  personId: Nullable(Type.Integer({ description: 'The holder; null for a block' })),
  holder: Nullable(Type.String({ description: "The holder's name" })),
  title: Nullable(Type.String({ description: "The holder's title, or a block's reason" })),
  kind: KIND,
  status: STATUS,
  startsAt: EpochMs,
  endsAt: EpochMs,
  guestIds: Type.Array(Type.Integer()),
  createdBy: Type.String(),
  createdAt: EpochMs,
  cancelledAt: Nullable(EpochMs),
  releasedAt: Nullable(EpochMs),
  releaseEvidence: Nullable(ReleaseEvidence),
  checkedInAt: Nullable(EpochMs),
});
export const BookingReply = Type.Object({ booking: Booking });

export const Busy = Type.Object({
  bookingId: Type.Integer(),
  start: EpochMs,
  end: EpochMs,
  kind: KIND,
  status: STATUS,
  mine: Type.Boolean({ description: 'The caller holds it or is a guest' }),
  holder: Nullable(Type.String({ description: 'For staff and for the caller’s own bookings; null otherwise' })),
  title: Nullable(Type.String({ description: 'For staff and for the caller’s own bookings; null otherwise' })),
});
const dayOf = <T extends typeof Busy | typeof PublicBusy>(busy: T) => Type.Object({
  date: Type.String(),
  timeZone: Type.String(),
  resources: Type.Array(Type.Object({
    resourceId: Type.String(),
    open: Type.Array(Span, { description: 'When the resource may be booked that day' }),
    free: Type.Array(Span, { description: 'Open, not busy, on the grid' }),
    busy: Type.Array(busy, { description: 'Confirmed bookings and blocks; a released booking only until its release' }),
  })),
});
export const PublicBusy = Type.Object({ start: EpochMs, end: EpochMs, kind: KIND, status: STATUS });
export const DayView = dayOf(Busy);
export const PublicDayView = dayOf(PublicBusy);
export const DayQuery = Type.Object({ date: Type.Optional(DATE) });

export const NewBooking = Type.Object({
  resourceId: ResourceId,
  startsAt: EpochMs,
  endsAt: EpochMs,
  title: Type.Optional(Text(200)),
  guestIds: Type.Optional(Type.Array(RowId, { maxItems: 50, uniqueItems: true, description: 'People who may open the door too' })),
  personId: Type.Optional(RowId),
}, strict);
export const Move = Type.Object({ startsAt: EpochMs, endsAt: EpochMs }, strict);
export const NewBlock = Type.Object({ resourceId: ResourceId, startsAt: EpochMs, endsAt: EpochMs, reason: Text(200) }, strict);

export const ListQuery = Type.Object({
  from: Type.Optional(Type.Integer({ description: 'Bookings ending after this time (ms)' })),
  to: Type.Optional(Type.Integer({ description: 'Bookings starting before this time (ms)' })),
  resourceId: Type.Optional(ResourceId),
  personId: Type.Optional(RowId),
  status: Type.Optional(STATUS),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const Notice = Type.Object({
  id: Type.Integer(), bookingId: Type.Integer(), resourceId: Type.String(), kind: Type.Enum(['overrun']), at: EpochMs, detail: Type.String(),
});
export const Feed = Type.Object({ resourceId: Type.String(), url: Type.String({ description: 'Absolute path of the secret feed: /ical/<token>.ics' }) });

export type BookingBody = Static<typeof Booking>;
