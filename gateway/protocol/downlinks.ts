import Type, { type Static, type TSchema } from 'typebox';
import { ACCESS_REASONS, BootId, commandEnvelope, EpochMs, Seq } from './common.js';
import type { DownlinkKind } from './topics.js';

const strict = { additionalProperties: false } as const;


export const AccessDownlink = Type.Object({
  ...commandEnvelope,
  inReplyTo: Type.Object({ bootId: BootId, seq: Seq }, strict),
  grant: Type.Boolean(),
  reason: Type.Enum(ACCESS_REASONS),
  unlockMs: Type.Integer({ minimum: 0, maximum: 60_000, description: 'How long to release the lock; 0 on a deny' }),
}, { ...strict, description: 'The controller\'s answer to a badge uplink' });

/** [from, to) in epoch milliseconds. */
export const Interval = Type.Tuple([EpochMs, EpochMs]);

/**
 * One badge the reader may admit on its own. The controller compiles schedules, time zone and
 * daylight saving, holidays, validity, training sessions and visitor passes into plain
 * intervals, so a reader only compares its clock with numbers.
 */
export const AllowlistEntry = Type.Object({
  uid: Type.String({ pattern: '^[0-9A-F]{8,20}$' }),
  pinHash: Type.Optional(Type.String({ maxLength: 128 })),
  intervals: Type.Array(Interval, { maxItems: 32, description: 'When this badge opens the door, within the list\'s horizon' }),
}, strict);

export const AllowlistDownlink = Type.Object({
  ...commandEnvelope,
  version: Type.Integer({ minimum: 0 }),
  baseVersion: Type.Optional(Type.Integer({ minimum: 0, description: 'For a delta: the version it applies on' })),
  mode: Type.Union([Type.Literal('full'), Type.Literal('delta')]),
  upsert: Type.Array(AllowlistEntry, { maxItems: 1000 }),
  remove: Type.Array(Type.String({ pattern: '^[0-9A-F]{8,20}$' }), { maxItems: 1000 }),
  maxStalenessS: Type.Integer({ minimum: 0, description: 'How long after losing the controller the reader may still decide alone from this list' }),
  horizonUntil: EpochMs,
  doorUnlocked: Type.Array(Interval, { maxItems: 32, description: 'When the door is unlocked by schedule (public opening hours)' }),
}, { ...strict, description: 'The reader\'s offline allow-list, in full or as a delta; a longer list is sent as a full of 1000 entries then deltas' });

export const DoorCommandDownlink = Type.Object({
  ...commandEnvelope,
  action: Type.Union([Type.Literal('unlock'), Type.Literal('lock'), Type.Literal('normal')]),
  durationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
}, { ...strict, description: 'A manager\'s remote command to a door' });

export type AccessDownlink = Static<typeof AccessDownlink>;
export type AllowlistEntry = Static<typeof AllowlistEntry>;
export type AllowlistDownlink = Static<typeof AllowlistDownlink>;
export type DoorCommandDownlink = Static<typeof DoorCommandDownlink>;

export interface DownlinkPayloads {
  access: AccessDownlink;
  allowlist: AllowlistDownlink;
  door_cmd: DoorCommandDownlink;
}

export const downlinkSchemas: { [K in DownlinkKind]: TSchema } = {
  access: AccessDownlink,
  allowlist: AllowlistDownlink,
  door_cmd: DoorCommandDownlink,
};
