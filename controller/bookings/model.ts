/**
 * Bookings as plain data: what the rules, the service, the jobs and the API share. Times are
 * epoch milliseconds; opening hours are weekly slots in the building's local time.
 */
import type { WeeklySlot } from '../access/model.js';

export type ResourceKind = 'room' | 'desk';
export type BookingKind = 'booking' | 'block';
export type BookingStatus = 'confirmed' | 'cancelled' | 'released';
export type BookingChange = 'created' | 'moved' | 'cancelled' | 'released' | 'blocked';

/** A rule set of the building file with its defaults filled in. */
export interface BookingRules {
  openingHours: WeeklySlot[];
  slotMinutes: number;
  maxMinutes: number;
  maxAheadDays: number;
  cancelBeforeMinutes: number;
  graceMinutes: number;
  marginMinutes: number;
  /** Access-group names whose members may book; null: any active member, resident or staff. */
  groups: string[] | null;
}

/** A bookable room or desk, resolved against the building. */
export interface Resource {
  id: string;
  name: string;
  kind: ResourceKind;
  /** The zone a booking opens: the room, or the desk's zone. */
  zoneId: string;
  deskId: string | null;
  seats: number | null;
  rules: BookingRules;
  /** The desk record whose occupancy shows somebody is there: the desk itself, or the room's presence sensor. */
  sensorDeskId: string | null;
  /** That sensor's device id. */
  sensorId: string | null;
  /** Doors that lead into the zone: their passages and grants show somebody came. */
  doorIds: string[];
}

/** What the no-show job saw when it released a booking. */
export interface ReleaseEvidence {
  sensorId: string | null;
  sensorOnline: boolean | null;
  sensorOccupiedSeen: false;
  doorPassages: 0;
  doorGrants: 0;
  checkedFrom: number;
  checkedUntil: number;
  graceMinutes: number;
}

export interface Booking {
  id: number;
  resourceId: string;
  personId: number | null;
  holder: string | null;
  title: string | null;
  kind: BookingKind;
  status: BookingStatus;
  startsAt: number;
  endsAt: number;
  guestIds: number[];
  createdBy: string;
  createdAt: number;
  cancelledAt: number | null;
  releasedAt: number | null;
  releaseEvidence: ReleaseEvidence | null;
  checkedInAt: number | null;
}

/** Who asks: their login, whether they are staff (admin, manager), and the person their login is linked to. */
export interface Actor { username: string; staff: boolean; personId: number | null }

/** What the module tells the live stream. */
export type BookingEvent =
  | { type: 'booking'; at: number; bookingId: number; resourceId: string; change: BookingChange; start: number; end: number }
  | { type: 'booking_notice'; at: number; id: number; bookingId: number; resourceId: string; kind: 'overrun'; detail: string };

export const MINUTE_MS = 60_000; // 1 min
