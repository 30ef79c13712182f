import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import { BookingError, isOverlapError } from './errors.js';
import { MINUTE_MS, type Actor, type Booking, type BookingChange, type BookingEvent, type Resource } from './model.js';
import type { BookingPeople } from './people.js';
import type { ResourceCatalog } from './resources.js';
import { durationText, ruleViolation, slotText } from './rules.js';
import type { BookingFilter, BookingStore } from './store.js';

export interface BookingServiceDeps {
  sqlite: Database.Database;
  catalog: ResourceCatalog;
  people: BookingPeople;
  store: BookingStore;
  timeZone: string;
  audit: AuditFn;
  clock: () => number;
  /** Access data changed: reload the access state and send the readers their deltas. */
  changed: () => void;
  emit: (e: BookingEvent) => void;
}

const AUDIT_ACTION: Record<BookingChange, string> = {
  created: 'booking.create', moved: 'booking.move', cancelled: 'booking.cancel', blocked: 'booking.block', released: 'booking.release',
};

export interface BookRequest { resourceId: string; startsAt: number; endsAt: number; title?: string; guestIds?: number[]; personId?: number }

/**
 * Books, moves, cancels and blocks, each checked against the resource's rules and the caller's
 * rights, written in one immediate transaction (the database triggers refuse any overlap, even
 * from another connection), audited, then handed to access control so the doors follow within
 * a second, and announced on the live stream.
 */
export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  resource(id: string): Resource {
    const r = this.deps.catalog.get(id);
    if (r === undefined) throw new BookingError(404, `There is no bookable resource "${id}".`);
    return r;
  }

  book(req: BookRequest, actor: Actor): Booking {
    const { people, clock, timeZone } = this.deps;
    const resource = this.resource(req.resourceId);
    const now = clock();
    const holder = people.holder(actor, req.personId);
    if (!actor.staff && !people.eligible(holder, resource, now)) {
      throw new BookingError(403, `${resource.name} may be booked only by ${people.groupsText(resource)}.`);
    }
    const violation = ruleViolation(req, resource, now, timeZone);
    if (violation !== null) throw new BookingError(400, violation);
    const guestIds = people.guests(req.guestIds ?? [], holder, resource);
    const title = req.title?.trim() || null;
    return this.#write(resource, req, 'created', actor, () => this.deps.store.insert({
      resourceId: resource.id, resourceKind: resource.kind, zoneId: resource.zoneId, personId: holder, kind: 'booking', title,
      startsAt: req.startsAt, endsAt: req.endsAt, ...this.#access(resource, req.startsAt, req.endsAt), createdBy: actor.username, createdAt: now, guestIds,
    }), { personId: holder, guests: guestIds.length });
  }

  /** Staff take a resource out of booking (maintenance, an event): no opening hours, no length limit. */
  block(req: { resourceId: string; startsAt: number; endsAt: number; reason: string }, actor: Actor): Booking {
    if (!actor.staff) throw new BookingError(403, 'Only managers block a resource.');
    const resource = this.resource(req.resourceId);
    if (!(req.endsAt > req.startsAt)) throw new BookingError(400, 'A block must end after it starts.');
    if (req.endsAt <= this.deps.clock()) throw new BookingError(400, `${slotText(req.startsAt, req.endsAt, this.deps.timeZone)} is in the past: nothing to block.`);
    return this.#write(resource, req, 'blocked', actor, () => this.deps.store.insert({
      resourceId: resource.id, resourceKind: resource.kind, zoneId: resource.zoneId, personId: null, kind: 'block', title: req.reason.trim(),
      startsAt: req.startsAt, endsAt: req.endsAt, accessFrom: req.startsAt, accessUntil: req.endsAt,
      createdBy: actor.username, createdAt: this.deps.clock(), guestIds: [],
    }), { reason: req.reason.trim() });
  }

  move(id: number, slot: { startsAt: number; endsAt: number }, actor: Actor): Booking {
    const booking = this.#own(id, actor, 'move');
    const resource = this.resource(booking.resourceId);
    const now = this.deps.clock();
    // Extending a meeting under way keeps its start: a member may still do that after the deadline.
    const extendsOnly = slot.startsAt === booking.startsAt && slot.endsAt >= booking.endsAt;
    if (!actor.staff && !extendsOnly) this.#deadline(booking, resource, now, 'moved');
    if (booking.kind === 'booking') {
      const violation = ruleViolation({ ...slot, startChanged: slot.startsAt !== booking.startsAt }, resource, now, this.deps.timeZone);
      if (violation !== null) throw new BookingError(400, violation);
    } else if (!(slot.endsAt > slot.startsAt)) {
      throw new BookingError(400, 'A block must end after it starts.');
    }
    const access = booking.kind === 'block' ? { accessFrom: slot.startsAt, accessUntil: slot.endsAt } : this.#access(resource, slot.startsAt, slot.endsAt);
    return this.#write(resource, slot, 'moved', actor, () => {
      if (!this.deps.store.move(id, { ...slot, ...access }, now)) throw this.#gone(booking);
      return id;
    }, { from: [booking.startsAt, booking.endsAt], to: [slot.startsAt, slot.endsAt] }, id);
  }

  cancel(id: number, actor: Actor): Booking {
    const booking = this.#own(id, actor, 'cancel');
    const resource = this.resource(booking.resourceId);
    const now = this.deps.clock();
    if (!actor.staff) this.#deadline(booking, resource, now, 'cancelled');
    return this.#write(resource, booking, 'cancelled', actor, () => {
      if (!this.deps.store.cancel(id, actor.username, now)) throw this.#gone(booking);
      return id;
    }, { slot: [booking.startsAt, booking.endsAt] }, id);
  }

  /** A booking as the caller may see it: staff any, a member those they hold or are a guest of. */
  get(id: number, actor: Actor): Booking {
    const booking = this.deps.store.get(id);
    if (booking === undefined) throw new BookingError(404, `There is no booking ${id}.`);
    if (!actor.staff && !involves(booking, actor.personId)) throw new BookingError(403, `Booking ${id} is not yours: members see only their own bookings.`);
    return booking;
  }

  list(filter: BookingFilter, actor: Actor): Booking[] {
    if (actor.staff) return this.deps.store.list(filter);
    if (actor.personId === null) return [];
    if (filter.personId !== undefined && filter.personId !== actor.personId) throw new BookingError(403, 'Members list only their own bookings.');
    return this.deps.store.list({ ...filter, involving: actor.personId });
  }

  #access(resource: Resource, startsAt: number, endsAt: number): { accessFrom: number; accessUntil: number } {
    const margin = resource.rules.marginMinutes * MINUTE_MS;
    return { accessFrom: startsAt - margin, accessUntil: endsAt + margin };
  }

  /** The booking, if the caller may change it: staff any, a member only one they hold, and only while confirmed. */
  #own(id: number, actor: Actor, verb: 'move' | 'cancel'): Booking {
    const booking = this.deps.store.get(id);
    if (booking === undefined) throw new BookingError(404, `There is no booking ${id}.`);
    if (!actor.staff && (booking.personId === null || booking.personId !== actor.personId)) {
      throw new BookingError(403, `Booking ${id} is not yours: only its holder or a manager may ${verb} it.`);
    }
    if (booking.status !== 'confirmed') throw this.#gone(booking);
    return booking;
  }

  #gone(booking: Booking): BookingError {
    return new BookingError(409, `Booking ${booking.id} was ${booking.status === 'confirmed' ? 'changed meanwhile' : booking.status}: it can no longer be changed.`);
  }

  #deadline(booking: Booking, resource: Resource, now: number, verb: 'moved' | 'cancelled'): void {
    const deadline = booking.startsAt - resource.rules.cancelBeforeMinutes * MINUTE_MS;
    if (now <= deadline) return;
    throw new BookingError(409, `Bookings of ${resource.name} can be ${verb} up to ${durationText(resource.rules.cancelBeforeMinutes)} before they start; `
      + `this one is ${slotText(booking.startsAt, booking.endsAt, this.deps.timeZone)}, so it is too late: ask a manager.`);
  }

  /**
   * One write: in an immediate transaction (the overlap check and the write see the same data),
   * an overlap named clearly (the code's check, or the trigger's when another connection won),
   * then audited, the doors updated and the change announced.
   */
  #write(resource: Resource, slot: { startsAt: number; endsAt: number }, change: BookingChange, actor: Actor,
    write: () => number, detail: Record<string, unknown>, exceptId = 0): Booking {
    const { sqlite, store, timeZone } = this.deps;
    const wanted = slotText(slot.startsAt, slot.endsAt, timeZone);
    let id: number;
    try {
      id = sqlite.transaction(() => {
        if (change !== 'cancelled') {
          const clash = store.overlapping(resource.id, slot.startsAt, slot.endsAt, exceptId)[0];
          if (clash !== undefined) {
            const held = slotText(clash.startsAt, clash.status === 'released' ? clash.releasedAt ?? clash.endsAt : clash.endsAt, timeZone);
            throw new BookingError(409, `${resource.name} is already ${clash.kind === 'block' ? 'blocked' : 'booked'} ${held}, so ${wanted} is not free: choose another slot.`);
          }
        }
        return write();
      }).immediate();
    } catch (err) {
      if (isOverlapError(err)) throw new BookingError(409, `${resource.name} was just booked by someone else during ${wanted}: choose another slot.`);
      throw err;
    }
    const booking = store.get(id) as Booking;
    this.deps.audit({
      actor: actor.username, action: AUDIT_ACTION[change], subject: `booking:${id}`,
      detail: { resourceId: resource.id, startsAt: booking.startsAt, endsAt: booking.endsAt, ...detail },
    });
    this.deps.changed();
    this.deps.emit({ type: 'booking', at: this.deps.clock(), bookingId: id, resourceId: resource.id, change, start: booking.startsAt, end: booking.endsAt });
    return booking;
  }
}

/** Whether the person holds the booking or is one of its guests. */
export function involves(booking: Booking, personId: number | null): boolean {
  return personId !== null && (booking.personId === personId || booking.guestIds.includes(personId));
}
