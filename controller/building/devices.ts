import type { Building } from './schema.js';

export type DeviceKind = 'reader' | 'desk' | 'meter';

/** A device as the building file places it. */
export type BuildingDevice =
  | { deviceId: string; kind: 'reader'; doorId: string; side: 'outside' | 'inside'; zoneId: string }
  | { deviceId: string; kind: 'desk'; deskId: string; zoneId: string }
  | { deviceId: string; kind: 'meter'; scope: 'floor' | 'uplink'; floorId?: string };

export function buildingDevices(building: Building): BuildingDevice[] {
  const out: BuildingDevice[] = [];
  for (const door of building.doors) {
    for (const r of door.readers) {
      out.push({ deviceId: r.deviceId, kind: 'reader', doorId: door.id, side: r.side, zoneId: door.to });
    }
  }
  for (const desk of building.desks) out.push({ deviceId: desk.sensor, kind: 'desk', deskId: desk.id, zoneId: desk.zone });
  for (const m of building.meters) {
    out.push(m.floor === undefined
      ? { deviceId: m.deviceId, kind: 'meter', scope: m.scope }
      : { deviceId: m.deviceId, kind: 'meter', scope: m.scope, floorId: m.floor });
  }
  return out;
}
