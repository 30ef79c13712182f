import type Database from 'better-sqlite3';
import type { Booking, BookingKind, BookingStatus, ReleaseEvidence, ResourceKind } from './model.js';

const SELECT = `SELECT b.id, b.resource_id AS resourceId, b.person_id AS personId, p.name AS holder, b.title, b.kind, b.status,
    b.starts_at AS startsAt, b.ends_at AS endsAt, b.created_by AS createdBy, b.created_at AS createdAt, b.cancelled_at AS cancelledAt,
    b.released_at AS releasedAt, b.release_evidence AS releaseEvidence, b.checked_in_at AS checkedInAt,
    (SELECT json_group_array(person_id) FROM (SELECT person_id FROM booking_guests g WHERE g.booking_id = b.id ORDER BY person_id)) AS guestIds
  FROM bookings b LEFT JOIN people p ON p.id = b.person_id`;

/** Where a booking holds its resource: a released one only until its release. */
export const OCCUPIED_UNTIL = "(CASE WHEN b.status = 'released' THEN b.released_at ELSE b.ends_at END)";

type Row = Omit<Booking, 'guestIds' | 'releaseEvidence'> & { guestIds: string; releaseEvidence: string | null };
const toBooking = (r: Row): Booking => ({
  ...r, guestIds: JSON.parse(r.guestIds) as number[], releaseEvidence: r.releaseEvidence === null ? null : (JSON.parse(r.releaseEvidence) as ReleaseEvidence),
});

export interface NewBooking {
  resourceId: string; resourceKind: ResourceKind; zoneId: string; personId: number | null; kind: BookingKind; title: string | null;
  startsAt: number; endsAt: number; accessFrom: number; accessUntil: number; createdBy: string; createdAt: number; guestIds: number[];
}

export interface BookingFilter {
  from?: number; to?: number; resourceId?: string; personId?: number; status?: BookingStatus;
  /** Only the bookings this person holds or is a guest of. */
  involving?: number;
  limit: number;
}

/** The SQL of bookings: plain statements, prepared once; the triggers guard every write against overlaps. */
export class BookingStore {
  readonly #sql: Record<'get' | 'insert' | 'guest' | 'move' | 'cancel' | 'release' | 'checkIn' | 'overlapping' | 'occupying', Database.Statement>;
  readonly #cache = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {
    const p = (s: string) => sqlite.prepare(s);
    this.#sql = {
      get: p(`${SELECT} WHERE b.id = ?`),
      insert: p(`INSERT INTO bookings (resource_id, resource_kind, zone_id, person_id, kind, title, starts_at, ends_at, access_from, access_until,
        created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      guest: p('INSERT INTO booking_guests (booking_id, person_id) VALUES (?, ?)'),
      move: p(`UPDATE bookings SET starts_at = ?, ends_at = ?, access_from = ?, access_until = ?, updated_at = ?, checked_in_at = NULL
        WHERE id = ? AND status = 'confirmed'`),
      cancel: p("UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, updated_at = ? WHERE id = ? AND status = 'confirmed'"),
      release: p(`UPDATE bookings SET status = 'released', released_at = ?, release_evidence = ?, access_until = ?, updated_at = ?
        WHERE id = ? AND status = 'confirmed' AND checked_in_at IS NULL`),
      checkIn: p('UPDATE bookings SET checked_in_at = ? WHERE id = ? AND checked_in_at IS NULL'),
      overlapping: p(`${SELECT} WHERE b.resource_id = ? AND b.status <> 'cancelled' AND b.id <> ? AND b.starts_at < ? AND ${OCCUPIED_UNTIL} > ?
        ORDER BY b.starts_at`),
      occupying: p(`${SELECT} WHERE b.status <> 'cancelled' AND b.starts_at < ? AND ${OCCUPIED_UNTIL} > ? AND ${OCCUPIED_UNTIL} > b.starts_at
        ORDER BY b.resource_id, b.starts_at`),
    };
  }

  get(id: number): Booking | undefined {
    const row = this.#sql.get.get(id) as Row | undefined;
    return row === undefined ? undefined : toBooking(row);
  }

  /** Inserts a booking and its guests in the caller's transaction; throws the trigger's error on an overlap. */
  insert(b: NewBooking): number {
    const id = Number(this.#sql.insert.run(b.resourceId, b.resourceKind, b.zoneId, b.personId, b.kind, b.title, b.startsAt, b.endsAt,
      b.accessFrom, b.accessUntil, b.createdBy, b.createdAt, b.createdAt).lastInsertRowid);
    for (const guest of b.guestIds) this.#sql.guest.run(id, guest);
    return id;
  }

  move(id: number, slot: { startsAt: number; endsAt: number; accessFrom: number; accessUntil: number }, at: number): boolean {
    return this.#sql.move.run(slot.startsAt, slot.endsAt, slot.accessFrom, slot.accessUntil, at, id).changes > 0;
  }

  cancel(id: number, by: string, at: number): boolean {
    return this.#sql.cancel.run(at, by, at, id).changes > 0;
  }

  /** The access window ends at the release: the door no longer opens for a slot given back. */
  release(id: number, releasedAt: number, evidence: ReleaseEvidence, at: number): boolean {
    return this.#sql.release.run(releasedAt, JSON.stringify(evidence), releasedAt, at, id).changes > 0;
  }

  checkIn(id: number, at: number): boolean {
    return this.#sql.checkIn.run(at, id).changes > 0;
  }

  /** Active bookings and blocks of the resource that overlap [from, to), other than `exceptId`. */
  overlapping(resourceId: string, from: number, to: number, exceptId = 0): Booking[] {
    return (this.#sql.overlapping.all(resourceId, exceptId, to, from) as Row[]).map(toBooking);
  }

  /** Every booking and block that occupies part of [from, to) (released ones up to their release). */
  occupying(from: number, to: number): Booking[] {
    return (this.#sql.occupying.all(to, from) as Row[]).map(toBooking);
  }

  list(f: BookingFilter): Booking[] {
    const clauses: string[] = [];
    const params: Array<string | number> = [];
    const add = (clause: string, ...values: Array<string | number>) => {
      clauses.push(clause);
      params.push(...values);
    };
    if (f.from !== undefined) add('b.ends_at > ?', f.from);
    if (f.to !== undefined) add('b.starts_at < ?', f.to);
    if (f.resourceId !== undefined) add('b.resource_id = ?', f.resourceId);
    if (f.personId !== undefined) add('(b.person_id = ? OR EXISTS (SELECT 1 FROM booking_guests g WHERE g.booking_id = b.id AND g.person_id = ?))', f.personId, f.personId);
    if (f.involving !== undefined) add('(b.person_id = ? OR EXISTS (SELECT 1 FROM booking_guests g WHERE g.booking_id = b.id AND g.person_id = ?))', f.involving, f.involving);
    if (f.status !== undefined) add('b.status = ?', f.status);
    const sql = `${SELECT} ${clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`} ORDER BY b.starts_at, b.id LIMIT ?`;
    let statement = this.#cache.get(sql);
    if (statement === undefined) {
      statement = this.sqlite.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return (statement.all(...params, f.limit) as Row[]).map(toBooking);
  }
}
