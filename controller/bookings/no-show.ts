import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Interval } from '../access/model.js';
import type { AuditFn } from '../auth/audit.js';
import type { DoorEvidence, EvidenceReader } from './evidence.js';
import { MINUTE_MS, type BookingEvent, type ReleaseEvidence, type Resource } from './model.js';
import type { ResourceCatalog } from './resources.js';
import type { BookingStore } from './store.js';

export const noShowDefaults = {
  intervalMs: 30_000, // 30 s between two looks
  lookbackMs: 7 * 86_400_000, // 7 days: bookings that ended while the controller was down longer are left alone
};

export interface NoShowFacts {
  startsAt: number;
  endsAt: number;
  createdAt: number;
  graceMinutes: number;
  marginMinutes: number;
  now: number;
  sensorId: string | null;
  sensorOnline: boolean | null;
  /** Whether a door leads into the zone, whose passages and grants would show somebody came. */
  doorWatched: boolean;
  /** Occupied stretches of the sensor around the booking. */
  occupied: readonly Interval[];
  door: DoorEvidence;
}

export type NoShowVerdict =
  | { action: 'wait' }
  | { action: 'checked_in'; at: number }
  | { action: 'release'; releasedAt: number; evidence: ReleaseEvidence };

/**
 * Did anybody come? Evidence counts from the margin before the start (people settle in early)
 * until now, or the end if it has passed. Any sign (the sensor occupied, a passage into the
 * zone, a grant at its door) checks the booking in. Without one, once the grace has passed since
 * the start (or since the booking was made, for a slot booked while under way), the booking is
 * released at that instant: the holder is billed until then only, and the rest of the slot is
 * free again. With no witness at all (no door, and no sensor online to tell), nobody can say
 * nobody came: the booking is kept. Pure: the job gathers the facts, this decides.
 */
export function noShowVerdict(f: NoShowFacts): NoShowVerdict {
  const from = f.startsAt - f.marginMinutes * MINUTE_MS;
  if (f.now < from) return { action: 'wait' };
  const until = Math.min(f.now, f.endsAt);
  const seen = f.occupied.filter(([a, b]) => a < until && b > from).map(([a]) => Math.max(a, from));
  if (f.door.firstAt !== null && f.door.firstAt <= until) seen.push(f.door.firstAt);
  if (seen.length > 0) return { action: 'checked_in', at: Math.min(...seen) };
  const due = Math.max(f.startsAt, f.createdAt) + f.graceMinutes * MINUTE_MS;
  if (f.now < due || !(f.doorWatched || f.sensorOnline === true)) return { action: 'wait' };
  return {
    action: 'release',
    releasedAt: Math.min(due, f.endsAt),
    evidence: {
      sensorId: f.sensorId, sensorOnline: f.sensorOnline, sensorOccupiedSeen: false, doorPassages: 0, doorGrants: 0,
      checkedFrom: from, checkedUntil: until, graceMinutes: f.graceMinutes,
    },
  };
}

interface Candidate { id: number; resourceId: string; personId: number; startsAt: number; endsAt: number; createdAt: number; guests: string }

/**
 * Every 30 s: each confirmed booking under way that nobody has checked in yet is looked at, and
 * checked in or released. Blocks are never released. All state is in the database (status,
 * checked_in_at), so a restart picks up where it stopped.
 */
export class NoShowJob {
  #timer: NodeJS.Timeout | undefined;
  readonly #candidates: Database.Statement;

  constructor(private readonly deps: {
    sqlite: Database.Database; catalog: ResourceCatalog; store: BookingStore; evidence: EvidenceReader; audit: AuditFn;
    clock: () => number; logger: Logger; isOnline: (deviceId: string) => boolean; changed: () => void; emit: (e: BookingEvent) => void;
    intervalMs?: number;
  }) {
    this.#candidates = deps.sqlite.prepare(`SELECT b.id, b.resource_id AS resourceId, b.person_id AS personId, b.starts_at AS startsAt,
        b.ends_at AS endsAt, b.created_at AS createdAt,
        (SELECT json_group_array(person_id) FROM booking_guests g WHERE g.booking_id = b.id) AS guests
      FROM bookings b WHERE b.status = 'confirmed' AND b.kind = 'booking' AND b.checked_in_at IS NULL
        AND b.access_from <= ? AND b.ends_at > ? ORDER BY b.starts_at`);
  }

  start(): void {
    this.run();
    this.#timer = setInterval(() => this.run(), this.deps.intervalMs ?? noShowDefaults.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look at every booking under way; returns the ids released. */
  run(now = this.deps.clock()): number[] {
    const released: number[] = [];
    try {
      for (const c of this.#candidates.all(now, now - noShowDefaults.lookbackMs) as Candidate[]) {
        const resource = this.deps.catalog.get(c.resourceId);
        if (resource === undefined) continue; // gone from the building file: left as it is
        const verdict = noShowVerdict(this.#facts(c, resource, now));
        if (verdict.action === 'checked_in') this.deps.store.checkIn(c.id, verdict.at);
        else if (verdict.action === 'release' && this.#release(c, resource, verdict, now)) released.push(c.id);
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'no-show check failed');
    }
    if (released.length > 0) this.deps.changed(); // the released bookings' door windows end
    return released;
  }

  #facts(c: Candidate, resource: Resource, now: number): NoShowFacts {
    const from = c.startsAt - resource.rules.marginMinutes * MINUTE_MS;
    const until = Math.min(now, c.endsAt);
    // A room: whoever enters is its party. A desk in a shared space: only its holder and guests count.
    const people = resource.kind === 'room' ? null : [c.personId, ...(JSON.parse(c.guests) as number[])];
    return {
      startsAt: c.startsAt, endsAt: c.endsAt, createdAt: c.createdAt, graceMinutes: resource.rules.graceMinutes,
      marginMinutes: resource.rules.marginMinutes, now, sensorId: resource.sensorId,
      sensorOnline: resource.sensorId === null ? null : this.deps.isOnline(resource.sensorId),
      doorWatched: resource.doorIds.length > 0,
      occupied: resource.sensorDeskId === null ? [] : this.deps.evidence.occupied(resource.sensorDeskId, from, until),
      door: this.deps.evidence.door(resource, from, until, people),
    };
  }

  #release(c: Candidate, resource: Resource, verdict: Extract<NoShowVerdict, { action: 'release' }>, now: number): boolean {
    if (!this.deps.store.release(c.id, verdict.releasedAt, verdict.evidence, now)) return false;
    this.deps.audit({ actor: 'system', action: 'booking.release', subject: `booking:${c.id}`, detail: { resourceId: resource.id, ...verdict.evidence } });
    this.deps.logger.info({ bookingId: c.id, resourceId: resource.id, releasedAt: verdict.releasedAt }, 'booking released: nobody came');
    this.deps.emit({ type: 'booking', at: now, bookingId: c.id, resourceId: resource.id, change: 'released', start: c.startsAt, end: verdict.releasedAt });
    return true;
  }
}
