import type { AccessEvent } from '../access/ports.js';
import { OUTSIDE } from '../building/schema.js';
import type { BookingEvent } from '../bookings/model.js';
import type { AlarmLive, EmergencyLive, LiveEvent, PersonRef, PublicEvent, StaffChange } from './messages.js';
import type { LiveModel } from './model.js';

/** Where the hub reads the state it starts from; all optional (a hub without them starts empty). */
export interface LiveSources {
  occupancy?(zoneId: string): number;
  isOnline?(deviceId: string): boolean;
  openAlarms?(): AlarmLive[];
  emergency?(): EmergencyLive | undefined;
  /** For the staff feed; never reaches the public stream. */
  personName?(personId: number): string | null | undefined;
}

/** An event before the hub numbers it. */
export type NewEvent = LiveEvent extends infer T ? (T extends LiveEvent ? Omit<T, 'seq'> : never) : never;

/** A public event before the hub numbers it. */
export type NewPublicEvent = Omit<PublicEvent, 'seq'>;

/** A booking change for the staff feed and, without its id, for the public stream; a notice for staff only. */
export function fromBookingEvent(e: BookingEvent): { event: NewEvent; publicEvent?: NewPublicEvent } {
  if (e.type === 'booking_notice') return { event: e };
  const { bookingId: _id, ...anonymous } = e;
  return { event: e, publicEvent: anonymous };
}

/** The state read from the sources at start. */
export function seedFromSources(model: LiveModel, sources: LiveSources | undefined, at: number): StaffChange[] {
  const changes: StaffChange[] = [];
  const { occupancy, isOnline } = sources ?? {};
  if (occupancy) for (const z of model.zoneIds()) changes.push(...model.setZoneOccupancy(z, occupancy(z)));
  if (isOnline) for (const id of model.deviceIds()) changes.push(...model.setDevice(id, isOnline(id), at));
  for (const alarm of sources?.openAlarms?.() ?? []) changes.push(...model.alarmRaised(alarm));
  const emergency = sources?.emergency?.();
  if (emergency !== undefined) changes.push(...model.setEmergency(emergency));
  return changes;
}

/** The counts of the zones a passage left and entered, and of their parents (a parent counts its children). */
function refreshOccupancy(model: LiveModel, zones: string[], occupancy: ((zoneId: string) => number) | undefined): StaffChange[] {
  if (occupancy === undefined) return [];
  const seen = new Set<string>();
  const queue = [...zones];
  for (let z = queue.shift(); z !== undefined; z = queue.shift()) {
    if (z === OUTSIDE || seen.has(z) || !model.hasZone(z)) continue;
    seen.add(z);
    const parent = model.zoneParent(z);
    if (parent !== undefined) queue.push(parent);
  }
  return [...seen].flatMap((z) => model.setZoneOccupancy(z, occupancy(z)));
}

/** What an access event changes in the live state, and the event for the feed. */
export function fromAccessEvent(model: LiveModel, e: AccessEvent, sources: LiveSources | undefined): { changes: StaffChange[]; event: NewEvent } {
  const person = (id: number | null): PersonRef | null => (id === null ? null : { id, name: sources?.personName?.(id) ?? null });
  switch (e.type) {
    case 'decision':
      return {
        changes: [],
        event: { type: 'decision', at: e.at, id: e.id, doorId: e.doorId, grant: e.grant, reason: e.reason, source: e.source, person: person(e.personId) },
      };
    case 'passage':
      return {
        changes: refreshOccupancy(model, [e.fromZone, e.toZone], sources?.occupancy),
        event: { type: 'passage', at: e.at, doorId: e.doorId, fromZone: e.fromZone, toZone: e.toZone, person: person(e.personId) },
      };
    case 'door':
      return { changes: model.setDoor(e.doorId, e.state, e.at), event: { type: 'door', at: e.at, doorId: e.doorId, state: e.state } };
    case 'alarm': {
      const alarm: AlarmLive = { id: e.id, kind: e.kind, doorId: e.doorId, detail: e.detail, raisedAt: e.at };
      return { changes: model.alarmRaised(alarm), event: { type: 'alarm', at: e.at, alarm } };
    }
    case 'alarm_ack':
      return { changes: model.alarmCleared(e.id), event: { type: 'alarm_ack', at: e.at, id: e.id, by: e.by } };
    case 'emergency':
      return {
        changes: model.setEmergency({ mode: e.mode, by: e.by, at: e.at }),
        event: { type: 'emergency', at: e.at, mode: e.mode, by: e.by },
      };
  }
}
