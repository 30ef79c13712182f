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
  kind: Type.Union([Type.Literal('hot'), Type.Literal('fixed'), Type.Literal('bench'), Type.Literal('office')]),
  sensor: DeviceId,
}, strict);

export const Meter = Type.Object({
  deviceId: DeviceId,
  scope: Type.Union([Type.Literal('floor'), Type.Literal('uplink')]),
  floor: Type.Optional(Id),
  ports: Type.Optional(Type.Array(Type.Object({ port: Type.String({ minLength: 1 }), zone: Id }, strict))),
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
}, strict);

export type Building = Static<typeof Building>;
export type Zone = Static<typeof Zone>;
export type Door = Static<typeof Door>;
export type Desk = Static<typeof Desk>;
export type Meter = Static<typeof Meter>;
export const OUTSIDE = 'outside';
