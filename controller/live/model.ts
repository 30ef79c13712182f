import { buildingDevices } from '../building/devices.js';
import type { Building, Desk, Zone } from '../building/schema.js';
import type {
  AlarmLive, DeskLive, DeskStatus, DeviceLive, DoorLive, EmergencyLive, MeterLive, PublicChange, PublicRoom, PublicState, PublicZone,
  StaffChange, StaffState, ZoneLive,
} from './messages.js';

export const modelDefaults = {
  lowBatteryPct: 20, // percent: below it a desk sensor counts as low on battery
  maxOpenAlarms: 200, // open alarms kept in the snapshot; older ones stay listed by the alarms API
  // Public aggregates: zones anyone may see (private offices and technical rooms never), the desks
  // that are free for anyone to take (a fixed desk's state would tell when its holder is in),
  // and the rooms shown as free or taken.
  publicZoneKinds: ['hall', 'museum', 'event', 'coworking', 'meeting', 'booth', 'training', 'lab'] as readonly string[],
  publicDeskKinds: ['hot', 'bench'] as readonly string[],
  publicRoomKinds: ['meeting'] as readonly string[],
};
export type ModelOptions = typeof modelDefaults;

/** A change to a desk's sensor state; fields left out keep their value. */
export interface DeskPatch { occupied?: boolean | null; online?: boolean; battery?: number | null; lowBattery?: boolean }

function sameValue(a: object | undefined, b: object): boolean {
  if (a === undefined) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(y);
  return keys.length === Object.keys(x).length && keys.every((k) => x[k] === y[k]);
}

function deskStatus(d: Pick<DeskLive, 'online' | 'occupied'>): DeskStatus {
  if (!d.online) return 'offline';
  if (d.occupied === null) return 'unknown';
  return d.occupied ? 'occupied' : 'free';
}

/**
 * The live state of the building, built from the building file: zones, doors, devices, desks,
 * open alarms and the emergency mode, and the public aggregates derived from them. Values are
 * replaced, never mutated, so a snapshot can share them. Each setter returns the changes it made
 * (none when the value is the same, or the id unknown).
 */
export class LiveModel {
  readonly #zones = new Map<string, ZoneLive>();
  readonly #doors = new Map<string, DoorLive>();
  readonly #devices = new Map<string, DeviceLive>();
  readonly #desks = new Map<string, DeskLive>();
  readonly #meters = new Map<string, MeterLive>();
  readonly #alarms = new Map<string, AlarmLive>();
  #emergency: EmergencyLive = { mode: 'none', by: null, at: null };
  readonly #deskBySensor = new Map<string, string>();
  readonly #desksOfZone = new Map<string, Desk[]>();
  readonly #publicZones = new Map<string, PublicZone>();
  readonly #publicRooms = new Map<string, PublicRoom>();
  readonly #publicZoneIds = new Set<string>();
  readonly #roomIds = new Set<string>();
  readonly #zoneInfo = new Map<string, Zone>();

  constructor(building: Building, private readonly opts: ModelOptions = modelDefaults) {
    const entered = new Set(building.doors.map((d) => d.to));
    for (const z of building.zones) {
      this.#zoneInfo.set(z.id, z);
      this.#zones.set(z.id, { occupancy: 0, capacity: z.capacity });
      if (z.staffOnly === true) continue;
      if (opts.publicZoneKinds.includes(z.kind)) this.#publicZoneIds.add(z.id);
      if (opts.publicRoomKinds.includes(z.kind) && entered.has(z.id)) this.#roomIds.add(z.id);
    }
    for (const d of building.doors) this.#doors.set(d.id, { state: 'unknown', at: null });
    for (const d of buildingDevices(building)) this.#devices.set(d.deviceId, { kind: d.kind, online: false, at: null });
    for (const d of building.desks) {
      this.#desks.set(d.id, { zoneId: d.zone, kind: d.kind, status: 'offline', occupied: null, online: false, battery: null, lowBattery: false, at: null });
      this.#deskBySensor.set(d.sensor, d.id);
      this.#desksOfZone.set(d.zone, [...(this.#desksOfZone.get(d.zone) ?? []), d]);
    }
    for (const id of this.#publicZoneIds) this.#publicZones.set(id, this.#publicZone(id));
    for (const id of this.#roomIds) this.#publicRooms.set(id, { zoneId: id, free: true });
  }

  zoneIds(): string[] {
    return [...this.#zones.keys()];
  }

  hasZone(zoneId: string): boolean {
    return this.#zones.has(zoneId);
  }

  deviceIds(): string[] {
    return [...this.#devices.keys()];
  }

  zoneParent(zoneId: string): string | undefined {
    return this.#zoneInfo.get(zoneId)?.parent;
  }

  setZoneOccupancy(zoneId: string, occupancy: number): StaffChange[] {
    const current = this.#zones.get(zoneId);
    if (current === undefined || current.occupancy === occupancy) return [];
    const value = { occupancy, capacity: current.capacity };
    this.#zones.set(zoneId, value);
    return [{ kind: 'zone', id: zoneId, value }];
  }

  setDoor(doorId: string, state: DoorLive['state'], at: number): StaffChange[] {
    const current = this.#doors.get(doorId);
    if (current === undefined || current.state === state) return [];
    const value = { state, at };
    this.#doors.set(doorId, value);
    return [{ kind: 'door', id: doorId, value }];
  }

  /** A device going on- or offline; a desk sensor's desk follows. */
  setDevice(deviceId: string, online: boolean, at: number): StaffChange[] {
    const current = this.#devices.get(deviceId);
    const out: StaffChange[] = [];
    if (current?.online !== online) {
      // A device registered through the API but absent from the building file is shown too.
      const value: DeviceLive = { kind: current?.kind ?? 'other', online, at };
      this.#devices.set(deviceId, value);
      out.push({ kind: 'device', id: deviceId, value });
    }
    const deskId = this.#deskBySensor.get(deviceId);
    return deskId === undefined ? out : [...out, ...this.setDesk(deskId, { online }, at)];
  }

  setDesk(deskId: string, patch: DeskPatch, at: number): StaffChange[] {
    const current = this.#desks.get(deskId);
    if (current === undefined) return [];
    const merged = { ...current };
    if (patch.occupied !== undefined) merged.occupied = patch.occupied;
    if (patch.online !== undefined) merged.online = patch.online;
    if (patch.battery !== undefined) merged.battery = patch.battery;
    merged.lowBattery = patch.lowBattery ?? (merged.battery !== null && merged.battery < this.opts.lowBatteryPct);
    merged.status = deskStatus(merged);
    merged.at = current.at;
    if (sameValue(current, merged)) return [];
    const value = { ...merged, at };
    this.#desks.set(deskId, value);
    return [{ kind: 'desk', id: deskId, value }];
  }

  setThroughput(meterId: string, bitsPerS: number, at: number): StaffChange[] {
    const value = { bitsPerS, at };
    this.#meters.set(meterId, value);
    return [{ kind: 'meter', id: meterId, value }];
  }

  alarmRaised(alarm: AlarmLive): StaffChange[] {
    const id = String(alarm.id);
    this.#alarms.set(id, alarm);
    const out: StaffChange[] = [{ kind: 'alarm', id, value: alarm }];
    for (const oldest of this.#alarms.keys()) {
      // Bounded: beyond the cap the oldest leave the live view (the alarms API still lists them).
      if (this.#alarms.size <= this.opts.maxOpenAlarms) break;
      this.#alarms.delete(oldest);
      out.push({ kind: 'alarm', id: oldest, value: null });
    }
    return out;
  }

  alarmCleared(alarmId: number): StaffChange[] {
    const id = String(alarmId);
    return this.#alarms.delete(id) ? [{ kind: 'alarm', id, value: null }] : [];
  }

  setEmergency(value: EmergencyLive): StaffChange[] {
    if (sameValue(this.#emergency, value)) return [];
    this.#emergency = value;
    return [{ kind: 'emergency', id: 'site', value }];
  }

  /** The public aggregates that the staff changes alter. */
  publicChanges(changes: readonly StaffChange[]): PublicChange[] {
    const zones = new Set<string>();
    for (const c of changes) {
      if (c.kind === 'zone') zones.add(c.id);
      else if (c.kind === 'desk') zones.add(c.value.zoneId);
    }
    const out: PublicChange[] = [];
    for (const id of zones) {
      if (this.#publicZoneIds.has(id)) {
        const value = this.#publicZone(id);
        if (!sameValue(this.#publicZones.get(id), value)) {
          this.#publicZones.set(id, value);
          out.push({ kind: 'zone', id, value });
        }
      }
      if (this.#roomIds.has(id)) {
        const value: PublicRoom = { zoneId: id, free: (this.#zones.get(id)?.occupancy ?? 0) === 0 };
        if (!sameValue(this.#publicRooms.get(id), value)) {
          this.#publicRooms.set(id, value);
          out.push({ kind: 'room', id, value });
        }
      }
    }
    return out;
  }

  staffState(): Omit<StaffState, 'recent'> {
    return {
      zones: Object.fromEntries(this.#zones), doors: Object.fromEntries(this.#doors), devices: Object.fromEntries(this.#devices),
      desks: Object.fromEntries(this.#desks), meters: Object.fromEntries(this.#meters), alarms: Object.fromEntries(this.#alarms), emergency: this.#emergency,
    };
  }

  publicState(): PublicState {
    return { zones: Object.fromEntries(this.#publicZones), rooms: Object.fromEntries(this.#publicRooms) };
  }

  #publicZone(zoneId: string): PublicZone {
    const z = this.#zoneInfo.get(zoneId) as Zone;
    const shared = (this.#desksOfZone.get(zoneId) ?? []).filter((d) => this.opts.publicDeskKinds.includes(d.kind));
    return {
      name: z.name, floor: z.floor, kind: z.kind,
      occupancy: this.#zones.get(zoneId)?.occupancy ?? 0, capacity: z.capacity,
      desksFree: shared.filter((d) => this.#desks.get(d.id)?.status === 'free').length,
      desksTotal: shared.length,
    };
  }
}
