/**
 * The live stream's wire contract, shared with the browser: `import type` from dashboard code.
 * No imports and no runtime dependencies on purpose (the close codes below are plain constants).
 *
 * A connection receives one `snapshot`, then `delta` frames. A delta carries every state change
 * since the previous frame, collapsed per key to the latest value (apply them in order: the last
 * one wins), and the events since the previous frame in the order they happened. Times are
 * milliseconds since the epoch.
 *
 * - `GET /api/live` (admin, manager): the staff stream, `StaffMessage`.
 * - `GET /api/live/public` (anyone): aggregates only, `PublicMessage`: never a person, a badge
 *   or a name; its only events are anonymous booking changes.
 */

export const LIVE_PROTOCOL_VERSION = 1;

/** Close codes the server uses; a client reconnects (with backoff) after any of them. */
export const LIVE_CLOSE = {
  /** The server is stopping or restarting. */
  goingAway: 1001,
  /** The client did not read its frames fast enough and was dropped rather than buffered. */
  tooSlow: 4008,
  /** The session behind the connection ended (logout, expiry, role change, disabled user). */
  sessionEnded: 4401,
  /** The client did not answer pings. */
  unresponsive: 4002,
} as const;
export type LiveCloseCode = (typeof LIVE_CLOSE)[keyof typeof LIVE_CLOSE];

// ---- staff state ----

export interface ZoneLive { occupancy: number; capacity: number }

export type DoorState = 'open' | 'closed' | 'forced' | 'held' | 'unknown';
export interface DoorLive { state: DoorState; at: number | null }

export type DeviceKind = 'reader' | 'desk' | 'meter' | 'other';
export interface DeviceLive { kind: DeviceKind; online: boolean; at: number | null }

/** What a dashboard colours a desk with, derived from `DeskLive`. */
export type DeskStatus = 'free' | 'occupied' | 'offline' | 'unknown';
export interface DeskLive {
  zoneId: string;
  /** room: a meeting room's or a booth's presence sensor, shown like a desk (occupied: somebody is in). */
  kind: 'hot' | 'fixed' | 'bench' | 'office' | 'room';
  status: DeskStatus;
  /** From the desk sensor; null until it has reported. */
  occupied: boolean | null;
  online: boolean;
  /** Battery level in percent; null until reported. */
  battery: number | null;
  lowBattery: boolean;
  /** Time of the last change. */
  at: number | null;
}

/** A network meter's throughput (the building uplink's, for the live chart). */
export interface MeterLive { bitsPerS: number; at: number }

export type AlarmKind = 'forced' | 'held' | 'anti_passback';
export interface AlarmLive { id: number; kind: AlarmKind; doorId: string; detail: string; raisedAt: number }

export type EmergencyMode = 'none' | 'lockdown' | 'evacuation';
export interface EmergencyLive { mode: EmergencyMode; by: string | null; at: number | null }

export interface PersonRef { id: number; name: string | null }

/**
 * What happened to a booking. `start`/`end`: the booking as it now stands (moved: the new slot;
 * released: `end` is the release, the rest of the slot is free). The dashboard re-fetches
 * GET /api/bookings/day (or /api/public/bookings/day) when it sees one.
 */
export type BookingChange = 'created' | 'moved' | 'cancelled' | 'released' | 'blocked';

/** Something that happened, for the live feed. `seq` increases by one per event, server-wide. */
export type LiveEvent = { seq: number } & (
  | { type: 'decision'; at: number; id: number; doorId: string; grant: boolean; reason: string; source: string; person: PersonRef | null }
  | { type: 'passage'; at: number; doorId: string; fromZone: string; toZone: string; person: PersonRef | null }
  | { type: 'door'; at: number; doorId: string; state: Exclude<DoorState, 'unknown'> }
  | { type: 'alarm'; at: number; alarm: AlarmLive }
  | { type: 'alarm_ack'; at: number; id: number; by: string }
  | { type: 'emergency'; at: number; mode: EmergencyMode; by: string }
  | { type: 'device'; at: number; deviceId: string; online: boolean; reason: string }
  | { type: 'booking'; at: number; bookingId: number; resourceId: string; change: BookingChange; start: number; end: number }
  /** A room still occupied after its booking ended while the next one begins (GET /api/bookings/notices lists them). */
  | { type: 'booking_notice'; at: number; id: number; bookingId: number; resourceId: string; kind: 'overrun'; detail: string }
);
export type LiveEventType = LiveEvent['type'];

export interface StaffState {
  zones: Record<string, ZoneLive>;
  doors: Record<string, DoorLive>;
  devices: Record<string, DeviceLive>;
  desks: Record<string, DeskLive>;
  /** Throughput by meter device id, once reported. */
  meters: Record<string, MeterLive>;
  /** Open (unacknowledged) alarms by id. */
  alarms: Record<string, AlarmLive>;
  emergency: EmergencyLive;
  /** The latest events, oldest first (bounded): the feed's first paint. */
  recent: LiveEvent[];
}

/** One state change; a delta holds at most one per key (`kind` + `id`). */
export type StaffChange =
  | { kind: 'zone'; id: string; value: ZoneLive }
  | { kind: 'door'; id: string; value: DoorLive }
  | { kind: 'device'; id: string; value: DeviceLive }
  | { kind: 'desk'; id: string; value: DeskLive }
  | { kind: 'meter'; id: string; value: MeterLive }
  /** null: the alarm was acknowledged and is no longer open. */
  | { kind: 'alarm'; id: string; value: AlarmLive | null }
  | { kind: 'emergency'; id: 'site'; value: EmergencyLive };

// ---- public state: aggregates only ----

export interface PublicZone {
  name: string;
  floor: string;
  kind: string;
  occupancy: number;
  capacity: number;
  /** Shared desks (hot desks, lab benches) free now; assigned desks are never counted. */
  desksFree: number;
  desksTotal: number;
}
export interface PublicRoom { zoneId: string; free: boolean }

export interface PublicState {
  zones: Record<string, PublicZone>;
  rooms: Record<string, PublicRoom>;
}

export type PublicChange =
  | { kind: 'zone'; id: string; value: PublicZone }
  | { kind: 'room'; id: string; value: PublicRoom };

/** Public events: a booking changed (no booking id, no person, no title). Numbered like the staff events. */
export type PublicEvent = { seq: number } & { type: 'booking'; at: number; resourceId: string; change: BookingChange; start: number; end: number };

// ---- frames ----

export interface SnapshotFrame<S> {
  type: 'snapshot';
  v: typeof LIVE_PROTOCOL_VERSION;
  /** Sequence number of the last delta the snapshot includes; the next delta has a larger one. */
  seq: number;
  at: number;
  state: S;
}

export interface DeltaFrame<C, E = never> {
  type: 'delta';
  seq: number;
  at: number;
  changes: C[];
  events: E[];
  /** Events left out because too many happened within one frame (the oldest go first). */
  eventsDropped?: number;
}

export type StaffSnapshot = SnapshotFrame<StaffState>;
export type StaffDelta = DeltaFrame<StaffChange, LiveEvent>;
export type StaffMessage = StaffSnapshot | StaffDelta;

export type PublicSnapshot = SnapshotFrame<PublicState>;
export type PublicDelta = DeltaFrame<PublicChange, PublicEvent>;
export type PublicMessage = PublicSnapshot | PublicDelta;

export type LiveAudience = 'staff' | 'public';
