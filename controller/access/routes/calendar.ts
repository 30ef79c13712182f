import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { frenchHolidays } from '../holidays.js';
import { dateToDay, localParts } from '../local-time.js';
import { actor, statements, strict, Text } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const Day = Type.Object({ date: Type.String({ pattern: DATE }), name: Type.String() });

/** Closed days: French public holidays (computed) and the centre's own closures (stored). */
export function calendarRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  return async (app) => {
    const tags = ['calendar'];
    app.post('/api/closures', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Close the centre on a day',
        description: 'Schedules not open on holidays do not open on that local date.',
        body: Type.Object({ date: Type.String({ pattern: DATE, description: 'YYYY-MM-DD, local' }), name: Text(100) }, strict),
        response: { 201: Day, ...errorResponses },
      },
    }, async (req, reply) => {
      const { date } = req.body;
      const name = req.body.name.trim();
      try {
        dateToDay(date);
      } catch {
        throw badRequest(`body.date: no such date ${date}`);
      }
      deps.access.rules.addClosure(date, name, actor(req));
      return reply.code(201).send({ date, name });
    });

    app.get('/api/calendar', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'The closed days of a year: French public holidays and closures',
        querystring: Type.Object({
          year: Type.Optional(Type.Integer({ minimum: 1583, maximum: 9999, description: 'Default: the current year, local' })),
        }),
        response: {
          200: Type.Object({ year: Type.Integer(), holidays: Type.Array(Day), closures: Type.Array(Day) }),
          ...errorResponses,
        },
      },
    }, async (req) => {
      const year = req.query.year ?? Number(localParts(deps.clock(), deps.building.site.timeZone).date.slice(0, 4));
      const prefix = String(year).padStart(4, '0');
      const closures = sql('SELECT date, name FROM closures WHERE date BETWEEN ? AND ? ORDER BY date')
        .all(`${prefix}-01-01`, `${prefix}-12-31`) as Array<{ date: string; name: string }>;
      return { year, holidays: frenchHolidays(year), closures };
    });
  };
}
