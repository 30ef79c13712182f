import type Database from 'better-sqlite3';
import { BookingError } from './errors.js';
import type { Actor, Resource } from './model.js';

/** People who may book when a rule set names no groups: those with a place of their own in the centre. */
const BOOKING_KINDS = ['member', 'resident', 'staff'];

/**
 * The people side of bookings: who holds a booking, who may be a guest, who may book what. A rule
 * set's `groups` are access-group names: a person may book when a membership of theirs in one of
 * them is valid now.
 */
export class BookingPeople {
  readonly #person: Database.Statement;
  readonly #inGroups: Database.Statement;
  readonly #existing: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.#person = sqlite.prepare('SELECT id, kind, name, active FROM people WHERE id = ?');
    this.#inGroups = sqlite.prepare(`SELECT 1 FROM group_memberships m JOIN access_groups g ON g.id = m.group_id
      WHERE m.person_id = ? AND g.name IN (SELECT value FROM json_each(?))
        AND (m.valid_from IS NULL OR m.valid_from <= ?) AND (m.valid_until IS NULL OR m.valid_until > ?) LIMIT 1`);
    this.#existing = sqlite.prepare("SELECT id FROM people WHERE active = 1 AND id IN (SELECT value FROM json_each(?))");
  }

  /** Whether the person may book the resource by its rules (staff may book anything for anyone regardless). */
  eligible(personId: number, resource: Resource, now: number): boolean {
    const p = this.#person.get(personId) as { kind: string; active: number } | undefined;
    if (p === undefined || p.active !== 1) return false;
    const groups = resource.rules.groups;
    if (groups === null) return BOOKING_KINDS.includes(p.kind);
    return this.#inGroups.get(personId, JSON.stringify(groups), now, now) !== undefined;
  }

  mayBook(actor: Actor, resource: Resource, now: number): boolean {
    return actor.staff || (actor.personId !== null && this.eligible(actor.personId, resource, now));
  }

  /** Who holds a new booking: the caller's own person, or (staff only) the person they name. */
  holder(actor: Actor, asked: number | undefined): number {
    if (asked !== undefined && asked !== actor.personId) {
      if (!actor.staff) throw new BookingError(403, 'Members book only for themselves: ask a manager to book for someone else.');
      const p = this.#person.get(asked) as { active: number } | undefined;
      if (p === undefined) throw new BookingError(400, `There is no person ${asked}.`);
      if (p.active !== 1) throw new BookingError(400, `Person ${asked} is deactivated and cannot hold a booking.`);
      return asked;
    }
    if (actor.personId !== null) return actor.personId;
    if (actor.staff) throw new BookingError(400, `Your login ${actor.username} is linked to no person: give personId, the person the booking is for.`);
    throw new BookingError(403, `Your login ${actor.username} is linked to no person, so you cannot book yet: ask a manager to link it to you.`);
  }

  /** The guests as given, checked: distinct, existing and active people, and not more than the seats allow. */
  guests(guestIds: readonly number[], holder: number, resource: Resource): number[] {
    const ids = [...new Set(guestIds)].filter((id) => id !== holder);
    if (ids.length === 0) return [];
    const found = new Set((this.#existing.all(JSON.stringify(ids)) as Array<{ id: number }>).map((r) => r.id));
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length > 0) throw new BookingError(400, `These guests are not active people of the centre: ${unknown.join(', ')}.`);
    if (resource.seats !== null && ids.length + 1 > resource.seats) {
      throw new BookingError(400, `${resource.name} seats ${resource.seats}: a booking may name at most ${resource.seats - 1} guest${resource.seats - 1 === 1 ? '' : 's'} besides its holder.`);
    }
    return ids;
  }

  groupsText(resource: Resource): string {
    const groups = resource.rules.groups;
    return groups === null ? 'active members, residents and staff' : `members of ${groups.join(' or ')}`;
  }
}
