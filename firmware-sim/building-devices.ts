import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeviceId, isSiteId } from '../gateway/protocol/index.js';

/**
 * The devices a building file places, read as plain data. firmware-sim must not import the
 * controller, so this parses the few fields a simulated device needs and checks only those; the
 * controller validates the whole file.
 */

export const DEFAULT_BUILDING_FILE = fileURLToPath(new URL('../controller/building/menil-flin.json', import.meta.url));

/** Port of a meter the building file lists without ports: it counts one aggregate. */
export const AGGREGATE_PORT = 'total';

export type SimDeviceSpec =
  | {
    kind: 'reader'; deviceId: string; doorId: string; side: 'outside' | 'inside'; heldOpenLimitS: number; failMode: 'fail-safe' | 'fail-secure';
    /** The door's release after a grant, when the building file sets one. */
    unlockS?: number;
  }
  | { kind: 'desk'; deviceId: string; deskId: string; zoneId: string }
  | { kind: 'meter'; deviceId: string; scope: string; ports: string[] };

export interface BuildingDevices {
  site: string;
  devices: SimDeviceSpec[];
}

export function readBuildingDevices(file = DEFAULT_BUILDING_FILE): BuildingDevices {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`building file ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  return parseBuildingDevices(json, file);
}

export function parseBuildingDevices(json: unknown, file = '<inline>'): BuildingDevices {
  const fail = (path: string, what: string): never => {
    throw new Error(`building file ${file}: ${path} ${what}`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'is not an object');
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'is not an array'));
  const str = (v: unknown, path: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(path, 'is not a non-empty string'));
  const deviceId = (v: unknown, path: string): string => (isDeviceId(str(v, path)) ? (v as string) : fail(path, `"${String(v)}" is not a device id`));

  const root = obj(json, '/');
  const site = str(obj(root.site, 'site').id, 'site.id');
  if (!isSiteId(site)) fail('site.id', `"${site}" is not a site id`);
  const devices: SimDeviceSpec[] = [];

  arr(root.doors ?? [], 'doors').forEach((d, i) => {
    const door = obj(d, `doors[${i}]`);
    const limit = door.heldOpenLimitS;
    if (!Number.isInteger(limit) || (limit as number) < 1) fail(`doors[${i}].heldOpenLimitS`, 'is not a positive integer');
    const unlockS = door.unlockS;
    if (unlockS !== undefined && (!Number.isInteger(unlockS) || (unlockS as number) < 1 || (unlockS as number) > 60)) fail(`doors[${i}].unlockS`, 'is not an integer from 1 to 60');
    const failMode = door.failMode === 'fail-safe' ? 'fail-safe' : door.failMode === 'fail-secure' ? 'fail-secure' : fail(`doors[${i}].failMode`, 'is not fail-safe or fail-secure');
    arr(door.readers, `doors[${i}].readers`).forEach((r, j) => {
      const reader = obj(r, `doors[${i}].readers[${j}]`);
      const side = reader.side === 'inside' ? 'inside' : reader.side === 'outside' ? 'outside' : fail(`doors[${i}].readers[${j}].side`, 'is not inside or outside');
      devices.push({
        kind: 'reader', deviceId: deviceId(reader.deviceId, `doors[${i}].readers[${j}].deviceId`),
        doorId: str(door.id, `doors[${i}].id`), side, heldOpenLimitS: limit as number, failMode,
        ...(unlockS === undefined ? {} : { unlockS: unlockS as number }),
      });
    });
  });
  arr(root.desks ?? [], 'desks').forEach((d, i) => {
    const desk = obj(d, `desks[${i}]`);
    devices.push({
      kind: 'desk', deviceId: deviceId(desk.sensor, `desks[${i}].sensor`),
      deskId: str(desk.id, `desks[${i}].id`), zoneId: str(desk.zone, `desks[${i}].zone`),
    });
  });
  arr(root.meters ?? [], 'meters').forEach((m, i) => {
    const meter = obj(m, `meters[${i}]`);
    const ports = meter.ports === undefined
      ? [AGGREGATE_PORT]
      : arr(meter.ports, `meters[${i}].ports`).map((p, j) => str(obj(p, `meters[${i}].ports[${j}]`).port, `meters[${i}].ports[${j}].port`));
    devices.push({ kind: 'meter', deviceId: deviceId(meter.deviceId, `meters[${i}].deviceId`), scope: str(meter.scope, `meters[${i}].scope`), ports });
  });

  const seen = new Set<string>();
  for (const d of devices) {
    if (seen.has(d.deviceId)) fail('', `places device "${d.deviceId}" twice`);
    seen.add(d.deviceId);
  }
  return { site, devices };
}
