import Type, { type Static } from 'typebox';
import { DEVICE_ID_PATTERN, SITE_ID_PATTERN } from '../../gateway/protocol/index.js';

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' });
const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN });
const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const Weekday = Type.Enum(WEEKDAYS);
const strict = { additionalProperties: false } as const;

export const WeeklySlot = Type.Object({ days: Type.Array(Weekday, { minItems: 1 }), from: HhMm, to: HhMm }, strict);

export const ZONE_KINDS = ['hall', 'museum', 'event', 'coworking', 'meeting', 'booth', 'corridor', 'training', 'lab', 'office', 'technical'] as const;

export const Zone = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1 }),
  floor: Id,
  kind: Type.Enum(ZONE_KINDS),
  capacity: Type.Integer({ minimum: 1, description: 'Fire-safety limit of people at once' }),
  seats: Type.Optional(Type.Integer({ minimum: 1 })),
  parent: Type.Optional(Id),
  publicHours: Type.Optional(Type.Array(WeeklySlot)),
  staffOnly: Type.Optional(Type.Boolean()),
}, strict);

export const Reader = Type.Object({
  deviceId: DeviceId,
  side: Type.Union([Type.Literal('outside'), Type.Literal('inside')], { description: 'outside: badging to go in (from → to); inside: badging to go out' }),
}, strict);

export const Door = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1 }),
  from: Type.String({ minLength: 1, description: 'Zone id, or "outside"' }),
  to: Id,
  failMode: Type.Union([Type.Literal('fail-safe'), Type.Literal('fail-secure')], { description: 'What the lock does without power or controller; egress always opens' }),
  heldOpenLimitS: Type.Integer({ minimum: 1, maximum: 3600 }),
  unlockS: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'How long a grant releases the lock (default 5 s)' })),
  pinRequired: Type.Optional(Type.Boolean({ description: 'Keypad reader: a badge must come with its PIN' })),
  readers: Type.Array(Reader, { minItems: 1, maxItems: 2 }),
}, strict);

export const Desk = Type.Object({
  id: Id,
  zone: Id,
  /** room: not a desk but a meeting room's or a booth's presence sensor (same device, same uplink). */
  kind: Type.Union([Type.Literal('hot'), Type.Literal('fixed'), Type.Literal('bench'), Type.Literal('office'), Type.Literal('room')]),
  sensor: DeviceId,
}, strict);

export const Meter = Type.Object({
  deviceId: DeviceId,
  scope: Type.Union([Type.Literal('floor'), Type.Literal('uplink')]),
  floor: Type.Optional(Id),
  ports: Type.Optional(Type.Array(Type.Object({ port: Type.String({ minLength: 1 }), zone: Id }, strict))),
}, strict);

/** How a resource may be booked. Minutes are whole; opening hours are in the building's time zone. */
export const BookingRules = Type.Object({
  openingHours: Type.Array(WeeklySlot, { minItems: 1, description: 'When bookings may take place' }),
  slotMinutes: Type.Integer({ minimum: 5, maximum: 60, description: 'Bookings start and end on this grid of local time' }),
  maxMinutes: Type.Integer({ minimum: 5, description: 'Longest booking' }),
  maxAheadDays: Type.Integer({ minimum: 0, maximum: 366, description: 'How far ahead a booking may start' }),
  cancelBeforeMinutes: Type.Integer({ minimum: 0, description: 'Members cannot cancel or move later than this before the start' }),
  graceMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 240, description: 'No-show grace after the start (default 15)' })),
  marginMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: 'Door access before the start and after the end (default 10)' })),
  groups: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1, description: 'Access-group names whose members may book; absent: any active member, resident or staff',
  })),
}, strict);

export const BookingResource = Type.Object({
  id: Id,
  name: Type.Optional(Type.String({ minLength: 1, description: "Default: the zone's name, or 'Desk <desk id>'" })),
  zone: Type.Optional(Id),
  desk: Type.Optional(Id),
  rules: Type.String({ minLength: 1, description: 'A rule set of booking.rules' }),
}, strict);

export const BookingSection = Type.Object({
  rules: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' }), BookingRules),
  resources: Type.Array(BookingResource),
}, strict);

export const Building = Type.Object({
  schemaVersion: Type.Literal(1),
  revision: Type.Integer({ minimum: 1, description: 'Bumped at every edit of the file' }),
  site: Type.Object({
    id: Type.String({ pattern: SITE_ID_PATTERN }),
    name: Type.String({ minLength: 1 }),
    address: Type.String({ minLength: 1 }),
    timeZone: Type.String({ minLength: 1 }),
  }, strict),
  floors: Type.Array(Type.Object({ id: Id, name: Type.String(), level: Type.Integer() }, strict), { minItems: 1 }),
  zones: Type.Array(Zone, { minItems: 1 }),
  doors: Type.Array(Door),
  desks: Type.Array(Desk),
  meters: Type.Array(Meter),
  booking: Type.Optional(BookingSection),
}, strict);

export type Building = Static<typeof Building>;
export type Zone = Static<typeof Zone>;
export type Door = Static<typeof Door>;
export type Desk = Static<typeof Desk>;
export type Meter = Static<typeof Meter>;
export type BookingRules = Static<typeof BookingRules>;
export type BookingResource = Static<typeof BookingResource>;
export const OUTSIDE = 'outside';
