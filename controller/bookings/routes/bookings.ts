import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IdParams } from '../../access/routes/common.js';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actorResolver, type BookingRoutesDeps } from './deps.js';
import { Booking, BookingReply, ListQuery, Move, NewBlock, NewBooking, TAGS } from './schemas.js';

const RULES = 'Starts and ends fall on the resource’s grid (15 minutes), inside its opening hours, not in the past, not longer than '
  + 'its maximum nor further ahead than it allows: 400 otherwise. 409 when the slot is taken, naming it.';

/** Booking, moving, cancelling and listing; blocks for staff. Members act for themselves only. */
export function bookingRoutes(deps: BookingRoutesDeps): FastifyPluginAsyncTypebox {
  const actorOf = actorResolver(deps.sqlite);
  const { service } = deps.bookings;
  return async (app) => {
    app.get('/api/bookings', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'List bookings by start',
        description: 'Members get only the bookings they hold or are a guest of.',
        querystring: ListQuery,
        response: { 200: Type.Object({ bookings: Type.Array(Booking) }), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, limit, ...rest } = req.query;
      if (from !== undefined && to !== undefined && to < from) throw badRequest('querystring.to must not be before querystring.from');
      const filter = { ...rest, limit: limit ?? 200, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
      return { bookings: service.list(filter, actorOf(req)) };
    });

    app.get('/api/bookings/:id', {
      config: { roles: ROLES.everyone },
      schema: { tags: TAGS, summary: 'One booking (members: their own)', params: IdParams, response: { 200: BookingReply, ...errorResponses } },
    }, async (req) => ({ booking: service.get(req.params.id, actorOf(req)) }));

    app.post('/api/bookings', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'Book a room or a desk',
        description: `${RULES} A member books for themself (403 without a person linked to their login); staff may pass personId. `
          + 'The holder and the guests may open the door from the margin before the start until the margin after the end.',
        body: NewBooking,
        response: { 201: BookingReply, ...errorResponses },
      },
    }, async (req, reply) => {
      const { title, guestIds, personId, ...slot } = req.body;
      const booking = service.book({
        ...slot, ...(title === undefined ? {} : { title }), ...(guestIds === undefined ? {} : { guestIds }), ...(personId === undefined ? {} : { personId }),
      }, actorOf(req));
      return reply.code(201).send({ booking });
    });

    app.patch('/api/bookings/:id', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'Move a booking to another slot of the same resource',
        description: `${RULES} Members move only their own, and not after the cancellation deadline (409), except to extend one under way.`,
        params: IdParams, body: Move,
        response: { 200: BookingReply, ...errorResponses },
      },
    }, async (req) => ({ booking: service.move(req.params.id, req.body, actorOf(req)) }));

    app.delete('/api/bookings/:id', {
      config: { roles: ROLES.everyone },
      schema: {
        tags: TAGS, summary: 'Cancel a booking (or end a block)',
        description: 'Members cancel only their own, and only up to the deadline of the resource’s rules (409 after it); staff at any time.',
        params: IdParams,
        response: { 200: BookingReply, ...errorResponses },
      },
    }, async (req) => ({ booking: service.cancel(req.params.id, actorOf(req)) }));

    app.post('/api/bookings/blocks', {
      config: { roles: ROLES.staff },
      schema: {
        tags: TAGS, summary: 'Block a resource (maintenance, an event): nobody can book it then',
        description: 'A block ignores opening hours and the maximum length; it cannot overlap a booking (409: cancel or move that first).',
        body: NewBlock,
        response: { 201: BookingReply, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send({ booking: service.block(req.body, actorOf(req)) }));
  };
}
