import type Database from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import { dateToDay, localParts } from '../../access/local-time.js';
import { badRequest } from '../../http/errors.js';
import { requireUser } from '../../http/guard.js';
import type { Actor } from '../model.js';
import type { BookingModule } from '../module.js';

export interface BookingRoutesDeps {
  bookings: BookingModule;
  /** to find the person a login is linked to (people.user_id) */
  sqlite: Database.Database;
  clock: () => number;
}

/** The caller as the booking service sees them: staff or not, and the person their login is linked to. */
export function actorResolver(sqlite: Database.Database): (req: FastifyRequest) => Actor {
  const own = sqlite.prepare('SELECT id FROM people WHERE user_id = ? ORDER BY active DESC, id LIMIT 1');
  return (req) => {
    const user = requireUser(req);
    const person = own.get(user.id) as { id: number } | undefined;
    return { username: user.username, staff: user.role !== 'member', personId: person?.id ?? null };
  };
}

/** The asked local date, checked, or today's. */
export function dayOf(date: string | undefined, deps: BookingRoutesDeps): string {
  if (date === undefined) return localParts(deps.clock(), deps.bookings.timeZone).date;
  try {
    dateToDay(date);
  } catch {
    throw badRequest(`querystring.date: there is no such date as ${date}`);
  }
  return date;
}
