import Type, { type Static } from 'typebox';
import { BootId, DeviceId, EpochMs } from './common.js';

/** Birth (online, published retained after connect) and last will (offline, set at connect). */
export const DeviceStatus = Type.Object({
  v: Type.Literal(1),
  deviceId: DeviceId,
  bootId: BootId,
  state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  ts: EpochMs,
  fw: Type.Optional(Type.String({ maxLength: 32 })),
}, { additionalProperties: false, description: 'Retained device status' });
export type DeviceStatus = Static<typeof DeviceStatus>;
