/**
 * The building file, as the controller's build copies it next to the bundles (dist/building.json):
 * the floors and the names the live stream does not carry. Only the fields the pages read.
 */

export interface Floor { id: string; name: string; level: number }
export interface Zone { id: string; name: string; floor: string; kind: string; capacity: number; seats?: number; parent?: string; staffOnly?: boolean }
export interface Door { id: string; name: string; from: string; to: string; readers: Array<{ deviceId: string; side: string }> }
export interface Desk { id: string; zone: string; kind: string; sensor: string }
export interface Meter { deviceId: string; scope: string; floor?: string }
/** A bookable room or desk of the building file's booking section (its rules are the API's to tell). */
export interface BookingResourceRef { id: string; name?: string; zone?: string; desk?: string }
export interface Building {
  site: { id: string; name: string; timeZone: string };
  floors: Floor[];
  zones: Zone[];
  doors: Door[];
  desks: Desk[];
  meters?: Meter[];
  booking?: { resources: BookingResourceRef[] };
}

export const BUILDING_URL = 'dist/building.json';

export async function loadBuilding(url = BUILDING_URL): Promise<Building> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const b = (await res.json()) as Partial<Building>;
  if (b.site === undefined || !Array.isArray(b.floors) || !Array.isArray(b.zones) || !Array.isArray(b.doors) || !Array.isArray(b.desks)) {
    throw new Error(`${url} is not a building file`);
  }
  return b as Building;
}

export function floorsByLevel(b: Building): Floor[] {
  return [...b.floors].sort((x, y) => x.level - y.level);
}

/** The zones drawn as boxes on a floor: those without a parent on the same floor. */
export function topZones(b: Building, floorId: string): Zone[] {
  const floorOf = new Map(b.zones.map((z) => [z.id, z.floor]));
  return b.zones.filter((z) => z.floor === floorId && (z.parent === undefined || floorOf.get(z.parent) !== floorId));
}

export function childZones(b: Building, zoneId: string): Zone[] {
  return b.zones.filter((z) => z.parent === zoneId);
}

export function doorsInto(b: Building, zoneId: string): Door[] {
  return b.doors.filter((d) => d.to === zoneId);
}

export function desksIn(b: Building, zoneId: string): Desk[] {
  return b.desks.filter((d) => d.zone === zoneId);
}

/** The building's uplink meter, whose throughput the live chart shows. */
export function uplinkMeterId(b: Building): string | undefined {
  return b.meters?.find((m) => m.scope === 'uplink')?.deviceId;
}

export function zoneName(b: Building, zoneId: string): string {
  if (zoneId === 'outside') return zoneId;
  return b.zones.find((z) => z.id === zoneId)?.name ?? zoneId;
}

export function doorName(b: Building, doorId: string): string {
  return b.doors.find((d) => d.id === doorId)?.name ?? doorId;
}

/** The zone a bookable resource is in (a room's own zone, a desk's zone), or null when the file does not say. */
export function resourceZone(b: Building, resourceId: string): string | null {
  const r = b.booking?.resources.find((x) => x.id === resourceId);
  if (r?.zone !== undefined) return r.zone;
  const deskId = r?.desk ?? resourceId;
  return b.desks.find((d) => d.id === deskId)?.zone ?? (b.zones.some((z) => z.id === resourceId) ? resourceId : null);
}

/** A bookable resource's name, as the booking section (or its zone, or its desk) gives it. */
export function resourceName(b: Building, resourceId: string): string {
  const r = b.booking?.resources.find((x) => x.id === resourceId);
  if (r?.name !== undefined) return r.name;
  if (r?.desk !== undefined) return r.desk;
  return b.zones.find((z) => z.id === (r?.zone ?? resourceId))?.name ?? resourceId;
}
