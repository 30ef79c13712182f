import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Interval } from '../access/model.js';
import type { EvidenceReader } from './evidence.js';
import { MINUTE_MS, type BookingEvent } from './model.js';
import type { ResourceCatalog } from './resources.js';
import { clockText } from './rules.js';

export const overrunDefaults = {
  intervalMs: 30_000, // 30 s between two looks
  toleranceMs: 5 * MINUTE_MS, // 5 minutes of leaving late are normal
  nextWithinMs: 15 * MINUTE_MS, // a next booking starting up to 15 minutes after the end is waiting for the room
  lookbackMs: 2 * 3_600_000, // 2 h: older ends are not looked at any more
};

/**
 * Was the room still occupied `toleranceMs` after the booking ended, without a break since before
 * the end? An occupied stretch that began after the end is the next party arriving, not an overrun.
 */
export function overran(occupied: readonly Interval[], endsAt: number, toleranceMs: number, now: number): boolean {
  const until = endsAt + toleranceMs;
  return now >= until && occupied.some(([a, b]) => a < endsAt && b >= until);
}

interface Candidate { id: number; resourceId: string; startsAt: number; endsAt: number; nextStart: number | null }

/**
 * Raises a notice for managers, once per booking, when a room's presence sensor still shows it
 * occupied after a booking's end while the next booking of the room begins at or soon after
 * that end. Notices are rows (booking_notices, unique per booking), so a restart neither repeats
 * nor forgets one.
 */
export class OverrunJob {
  #timer: NodeJS.Timeout | undefined;
  readonly #candidates: Database.Statement;
  readonly #insert: Database.Statement;

  constructor(private readonly deps: {
    sqlite: Database.Database; catalog: ResourceCatalog; evidence: EvidenceReader; timeZone: string; clock: () => number; logger: Logger;
    emit: (e: BookingEvent) => void; intervalMs?: number;
  }) {
    this.#candidates = deps.sqlite.prepare(`SELECT b.id, b.resource_id AS resourceId, b.starts_at AS startsAt, b.ends_at AS endsAt,
        (SELECT min(n.starts_at) FROM bookings n WHERE n.resource_id = b.resource_id AND n.status = 'confirmed'
          AND n.starts_at >= b.ends_at AND n.starts_at <= b.ends_at + @nextWithin) AS nextStart
      FROM bookings b WHERE b.kind = 'booking' AND b.status = 'confirmed' AND b.resource_kind = 'room'
        AND b.ends_at + @tolerance <= @now AND b.ends_at > @now - @lookback
        AND NOT EXISTS (SELECT 1 FROM booking_notices x WHERE x.booking_id = b.id AND x.kind = 'overrun')`);
    this.#insert = deps.sqlite.prepare(`INSERT INTO booking_notices (booking_id, resource_id, kind, at, detail) VALUES (?, ?, 'overrun', ?, ?)
      ON CONFLICT(booking_id, kind) DO NOTHING`);
  }

  start(): void {
    this.run();
    this.#timer = setInterval(() => this.run(), this.deps.intervalMs ?? overrunDefaults.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look at the bookings that ended lately; returns the ids of the notices raised. */
  run(now = this.deps.clock()): number[] {
    const { toleranceMs, nextWithinMs, lookbackMs } = overrunDefaults;
    const raised: number[] = [];
    try {
      const rows = this.#candidates.all({ now, tolerance: toleranceMs, nextWithin: nextWithinMs, lookback: lookbackMs }) as Candidate[];
      for (const c of rows) {
        const resource = this.deps.catalog.get(c.resourceId);
        if (c.nextStart === null || resource?.sensorDeskId == null) continue;
        const occupied = this.deps.evidence.occupied(resource.sensorDeskId, c.endsAt - MINUTE_MS, now);
        if (!overran(occupied, c.endsAt, toleranceMs, now)) continue;
        const tz = this.deps.timeZone;
        const detail = `${resource.name} was still occupied ${Math.round((now - c.endsAt) / MINUTE_MS)} minutes after the booking of `
          + `${clockText(c.startsAt, tz)}–${clockText(c.endsAt, tz)} ended, and the next booking starts at ${clockText(c.nextStart, tz)}.`;
        const info = this.#insert.run(c.id, c.resourceId, now, detail);
        if (info.changes === 0) continue;
        const id = Number(info.lastInsertRowid);
        raised.push(id);
        this.deps.logger.warn({ bookingId: c.id, resourceId: c.resourceId }, 'room overrun');
        this.deps.emit({ type: 'booking_notice', at: now, id, bookingId: c.id, resourceId: c.resourceId, kind: 'overrun', detail });
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'overrun check failed');
    }
    return raised;
  }
}
