import Type from 'typebox';
import { DEVICE_ID_PATTERN } from './topics.js';

export const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN, description: 'The device id, equal to its MQTT client id and username' });
export const BootId = Type.String({ pattern: '^[A-Za-z0-9_-]{4,36}$', description: 'Random id chosen by the device at each boot' });
export const Seq = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'Sequence number, starting at 0 at each boot' });
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'Milliseconds since the Unix epoch' });
export const Nonce = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'Single-use random value of a command' });
/** Byte counters are decimal strings: 64-bit values do not fit a JSON number exactly. */
export const Counter = Type.String({ pattern: '^[0-9]{1,20}$', description: 'Unsigned counter as a decimal string' });

/** Fields every uplink carries: what makes it unique (deviceId, bootId, seq) and the device's own time. */
export const uplinkEnvelope = {
  v: Type.Literal(1),
  deviceId: DeviceId,
  bootId: BootId,
  seq: Seq,
  ts: EpochMs,
};

/** Fields every downlink command carries: a stale or replayed command is ignored by the device. */
export const commandEnvelope = {
  v: Type.Literal(1),
  nonce: Nonce,
  issuedAt: EpochMs,
  expiresAt: EpochMs,
};

/** Why a badge was granted or denied; readers show it and the access log keeps it. */
export const ACCESS_REASONS = [
  'granted', 'unknown_credential', 'blocked', 'outside_schedule', 'zone_full', 'anti_passback',
  'lockdown', 'evacuation', 'pass_expired', 'wrong_pin', 'pin_required', 'door_locked', 'not_allowed', 'list_stale', 'error',
] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];
