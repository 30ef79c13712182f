import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Limit, LIST_LIMIT } from '../../access/routes/common.js';
import { ROLES } from '../../auth/roles.js';
import { notFound } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { FEED_TOKEN_PATTERN } from '../feeds.js';
import { actorResolver, type BookingRoutesDeps } from './deps.js';
import { Feed, Notice, ResourceId, TAGS } from './schemas.js';

/** For managers: overrun notices and the rooms' iCalendar feeds; and the feeds themselves, public behind their secret. */
export function staffRoutes(deps: BookingRoutesDeps): FastifyPluginAsyncTypebox {
  const actorOf = actorResolver(deps.sqlite);
  const { bookings } = deps;
  const FEED_TOKEN = new RegExp(FEED_TOKEN_PATTERN);
  const rooms = () => bookings.catalog.rooms().map((r) => r.id);
  return async (app) => {
    app.get('/api/bookings/notices', {
      config: { roles: ROLES.staff },
      schema: {
        tags: TAGS, summary: 'Notices for managers, newest first: rooms still occupied after a booking while the next one begins',
        querystring: Type.Object({ limit: Limit }),
        response: { 200: Type.Object({ notices: Type.Array(Notice) }), ...errorResponses },
      },
    }, async (req) => ({ notices: bookings.notices(req.query.limit ?? LIST_LIMIT) }));

    app.get('/api/bookings/feeds', {
      config: { roles: ROLES.staff },
      schema: {
        tags: TAGS, summary: "Each room's secret iCalendar feed URL, to give to members",
        response: { 200: Type.Object({ feeds: Type.Array(Feed) }), ...errorResponses },
      },
    }, async () => ({ feeds: bookings.feeds.list(rooms()) }));

    app.post('/api/bookings/feeds/:resourceId/rotate', {
      config: { roles: ROLES.staff },
      schema: {
        tags: TAGS, summary: "A new secret URL for a room's feed: the old one stops working at once",
        params: Type.Object({ resourceId: ResourceId }),
        response: { 200: Feed, ...errorResponses },
      },
    }, async (req) => {
      if (!rooms().includes(req.params.resourceId)) throw notFound(`There is no bookable room "${req.params.resourceId}".`);
      return bookings.feeds.rotate(req.params.resourceId, actorOf(req).username);
    });

    app.get('/ical/:token.ics', {
      config: { public: true },
      schema: {
        tags: TAGS, summary: "A room's bookings as an iCalendar feed (read-only; the URL is the secret)",
        description: 'One event per booking or block from 30 days ago on. Members’ titles and names are never in it.',
        // Any token is looked up: a wrong one is a 404 like any unknown URL, never a 400 that says why.
        params: Type.Object({ token: Type.String({ description: 'The secret of the feed' }) }),
        response: { 200: Type.String({ description: 'text/calendar' }), ...errorResponses },
      },
    }, async (req, reply) => {
      const text = FEED_TOKEN.test(req.params.token) ? await bookings.feed(req.params.token) : undefined;
      if (text === undefined) throw notFound('no such calendar feed');
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(text);
    });
  };
}
