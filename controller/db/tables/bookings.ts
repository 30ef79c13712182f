import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

import { people } from './access.js';

// ── Bookings: rooms and desks reserved ─────────────────────────────────────────────────────
//
// No two active rows of one resource overlap: triggers in the migration (0003_bookings.sql)
// abort with 'booking_overlap'. Active means confirmed (a booking or a block), or released, which
// occupies only [starts_at, released_at). Billing reads this table: a released booking bills
// only [starts_at, released_at), a cancelled one nothing.

/** A booking of a room or a desk, or a block of it by staff (maintenance, an event). */
export const bookings = sqliteTable('bookings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** A resource id of the building file's `booking.resources`. */
  resourceId: text('resource_id').notNull(),
  /** 'room' or 'desk', copied from the building file so that billing needs no building file. */
  resourceKind: text('resource_kind', { enum: ['room', 'desk'] }).notNull(),
  /** The zone the booking opens (the room, or the desk's zone). */
  zoneId: text('zone_id').notNull(),
  /** The holder; null for a block. */
  personId: integer('person_id').references(() => people.id),
  kind: text('kind', { enum: ['booking', 'block'] }).notNull(),
  /** A member's own title, or a block's reason. */
  title: text('title'),
  startsAt: integer('starts_at').notNull(),
  endsAt: integer('ends_at').notNull(),
  status: text('status', { enum: ['confirmed', 'cancelled', 'released'] }).notNull().default('confirmed'),
  /** The badge window the booking grants, [access_from, access_until): the slot with its margin, cut at a release. */
  accessFrom: integer('access_from').notNull(),
  accessUntil: integer('access_until').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  cancelledAt: integer('cancelled_at'),
  cancelledBy: text('cancelled_by'),
  releasedAt: integer('released_at'),
  /** JSON: what the no-show job saw (sensor, door) when it released the booking. */
  releaseEvidence: text('release_evidence'),
  /** The first sign that somebody came (sensor or door): the no-show job stops looking. */
  checkedInAt: integer('checked_in_at'),
}, (t) => [
  index('bookings_resource').on(t.resourceId, t.startsAt),
  index('bookings_person').on(t.personId, t.startsAt),
  index('bookings_status').on(t.status, t.startsAt),
]);

/** The people a holder names: they may open the room's door too. */
export const bookingGuests = sqliteTable('booking_guests', {
  bookingId: integer('booking_id').notNull().references(() => bookings.id, { onDelete: 'cascade' }),
  personId: integer('person_id').notNull().references(() => people.id),
}, (t) => [primaryKey({ columns: [t.bookingId, t.personId] }), index('booking_guests_person').on(t.personId)]);

/** The secret of each room's read-only iCalendar feed (/ical/<token>.ics); rotating it retires the old URL. */
export const bookingFeeds = sqliteTable('booking_feeds', {
  resourceId: text('resource_id').primaryKey(),
  token: text('token').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('booking_feeds_token').on(t.token)]);

/** Notices for managers: a room still occupied after its booking ended while the next one begins. */
export const bookingNotices = sqliteTable('booking_notices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  bookingId: integer('booking_id').notNull().references(() => bookings.id),
  resourceId: text('resource_id').notNull(),
  kind: text('kind', { enum: ['overrun'] }).notNull(),
  at: integer('at').notNull(),
  detail: text('detail').notNull(),
}, (t) => [uniqueIndex('booking_notices_once').on(t.bookingId, t.kind), index('booking_notices_at').on(t.at)]);
