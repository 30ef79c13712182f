import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { dayView, publicDayView } from '../day-view.js';
import { actorResolver, dayOf, type BookingRoutesDeps } from './deps.js';
import { DayQuery, DayView, PublicDayView, Resource, TAGS } from './schemas.js';

/** What may be booked, and a day of it: for members and staff, and anonymised for the public page. */
export function dayRoutes(deps: BookingRoutesDeps): FastifyPluginAsyncTypebox {
  const actorOf = actorResolver(deps.sqlite);
  const { bookings } = deps;
  return async (app) => {
    app.get('/api/bookings/resources', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'The bookable rooms and desks, with their rules and whether you may book them',
        response: { 200: Type.Object({ resources: Type.Array(Resource) }), ...errorResponses },
      },
    }, async (req) => {
      const actor = actorOf(req);
      const now = deps.clock();
      return {
        resources: bookings.catalog.all().map((r) => ({
          id: r.id, name: r.name, kind: r.kind, zoneId: r.zoneId, deskId: r.deskId, seats: r.seats,
          rules: {
            slotMinutes: r.rules.slotMinutes, openingHours: r.rules.openingHours, maxMinutes: r.rules.maxMinutes, maxAheadDays: r.rules.maxAheadDays,
            cancelBeforeMinutes: r.rules.cancelBeforeMinutes, graceMinutes: r.rules.graceMinutes, marginMinutes: r.rules.marginMinutes,
          },
          mayBook: bookings.people.mayBook(actor, r, now),
        })),
      };
    });

    app.get('/api/bookings/day', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'One day of every resource: opening hours, free slots, bookings and blocks',
        description: "The date is local to the building (a daylight-saving day has 23 or 25 hours). Holders' names and titles "
          + 'are shown to staff, and to members for their own bookings only.',
        querystring: DayQuery,
        response: { 200: DayView, ...errorResponses },
      },
    }, async (req) => dayView(dayOf(req.query.date, deps), bookings, actorOf(req)));

    app.get('/api/public/bookings/day', {
      config: { public: true },
      schema: {
        tags: TAGS, summary: 'One day of every resource for the public page: when it is busy, never by whom',
        querystring: DayQuery,
        response: { 200: PublicDayView, ...errorResponses },
      },
    }, async (req) => publicDayView(dayView(dayOf(req.query.date, deps), bookings, null)));
  };
}
