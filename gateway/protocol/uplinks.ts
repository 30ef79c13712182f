import Type, { type Static, type TSchema } from 'typebox';
import { ACCESS_REASONS, Counter, Nonce, uplinkEnvelope } from './common.js';
import type { UplinkKind } from './topics.js';

const strict = { additionalProperties: false } as const;

export const BadgeUplink = Type.Object({
  ...uplinkEnvelope,
  uid: Type.String({ pattern: '^[0-9A-F]{8,20}$', description: 'Badge UID, upper-case hex (4 to 10 bytes)' }),
  pin: Type.Optional(Type.String({ pattern: '^[0-9]{4,8}$', description: 'PIN typed on a keypad reader' })),
  offline: Type.Optional(Type.Object({
    grant: Type.Boolean(),
    reason: Type.Enum(ACCESS_REASONS),
    listVersion: Type.Integer({ minimum: 0 }),
  }, { ...strict, description: 'Present when the reader decided alone while the controller was unreachable; no answer is sent' })),
}, { ...strict, description: 'A badge presented to a reader; the controller answers with an access downlink unless it was decided offline' });

export const DoorUplink = Type.Object({
  ...uplinkEnvelope,
  state: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('forced'), Type.Literal('held')]),
}, { ...strict, description: 'Door contact state seen by the reader of that door' });

export const RexUplink = Type.Object({
  ...uplinkEnvelope,
}, { ...strict, description: 'Request-to-exit button pressed' });

export const DeskUplink = Type.Object({
  ...uplinkEnvelope,
  occupied: Type.Boolean(),
  battery: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Battery level in percent' })),
}, { ...strict, description: 'Desk occupancy, after the sensor\'s own debounce' });

export const NetCounter = Type.Object({
  port: Type.String({ pattern: '^[A-Za-z0-9:._-]{1,64}$', description: 'Port name or client MAC address' }),
  rxBytes: Counter,
  txBytes: Counter,
  width: Type.Union([Type.Literal(32), Type.Literal(64)], { description: 'Counter width in bits, for wrap detection' }),
}, strict);

export const NetUplink = Type.Object({
  ...uplinkEnvelope,
  uptimeS: Type.Integer({ minimum: 0, description: 'Meter uptime; a drop means it rebooted and its counters restarted' }),
  counters: Type.Array(NetCounter, { minItems: 1, maxItems: 256 }),
}, { ...strict, description: 'Cumulative byte counters of a network-usage meter' });

export const HeartbeatUplink = Type.Object({
  ...uplinkEnvelope,
  uptimeS: Type.Integer({ minimum: 0 }),
  intervalS: Type.Integer({ minimum: 1, maximum: 3600, description: 'Seconds until the next heartbeat' }),
  battery: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  rssi: Type.Optional(Type.Integer({ minimum: -150, maximum: 0 })),
  fw: Type.Optional(Type.String({ maxLength: 32 })),
  allowlistVersion: Type.Optional(Type.Integer({ minimum: 0, description: 'Version of the allow-list a reader holds' })),
}, { ...strict, description: 'Periodic sign of life' });

export const AckUplink = Type.Object({
  ...uplinkEnvelope,
  nonce: Nonce,
  result: Type.Union([Type.Literal('done'), Type.Literal('rejected'), Type.Literal('expired'), Type.Literal('replayed')]),
  detail: Type.Optional(Type.String({ maxLength: 200 })),
}, { ...strict, description: 'Acknowledgement of a downlink command, by its nonce' });

export type BadgeUplink = Static<typeof BadgeUplink>;
export type DoorUplink = Static<typeof DoorUplink>;
export type RexUplink = Static<typeof RexUplink>;
export type DeskUplink = Static<typeof DeskUplink>;
export type NetUplink = Static<typeof NetUplink>;
export type HeartbeatUplink = Static<typeof HeartbeatUplink>;
export type AckUplink = Static<typeof AckUplink>;

/** The typed map from uplink kind to payload, shared by the gateway, the broker and firmware-sim. */
export interface UplinkPayloads {
  badge: BadgeUplink;
  door: DoorUplink;
  rex: RexUplink;
  desk: DeskUplink;
  net: NetUplink;
  heartbeat: HeartbeatUplink;
  ack: AckUplink;
}
export type AnyUplink = UplinkPayloads[UplinkKind];

export const uplinkSchemas: { [K in UplinkKind]: TSchema } = {
  badge: BadgeUplink,
  door: DoorUplink,
  rex: RexUplink,
  desk: DeskUplink,
  net: NetUplink,
  heartbeat: HeartbeatUplink,
  ack: AckUplink,
};
