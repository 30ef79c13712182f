import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import type { WeeklySlot as Slot } from '../model.js';
import { actor, Limit, LIST_LIMIT, statements, strict, Text, WeeklySlot, WeeklySlots } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Schedule = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  slots: WeeklySlots,
  openOnHolidays: Type.Boolean({ description: 'Whether the schedule still opens on French public holidays and closure days' }),
});
type Schedule = Static<typeof Schedule>;
type ScheduleRow = { id: number; name: string; slots: string; openOnHolidays: number };

const SELECT = 'SELECT id, name, slots, open_on_holidays AS openOnHolidays FROM schedules';
const toSchedule = (row: ScheduleRow): Schedule => ({ ...row, slots: JSON.parse(row.slots) as Slot[], openOnHolidays: row.openOnHolidays === 1 });

/** Weekly schedules in the building's local time, which access groups grant zones during. */
export function scheduleRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  return async (app) => {
    const tags = ['rules'];
    app.post('/api/schedules', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Create a weekly schedule',
        description: `Slots are in the building's local time (${deps.building.site.timeZone}), daylight saving included. `
          + "A slot whose `to` is at or before its `from` ends the next day; '24:00' ends at midnight.",
        body: Type.Object({
          name: Text(100),
          slots: Type.Array(WeeklySlot, { minItems: 1, maxItems: 32 }),
          openOnHolidays: Type.Optional(Type.Boolean({ default: false })),
        }, strict),
        response: { 201: Schedule, ...errorResponses },
      },
    }, async (req, reply) => {
      const id = deps.access.rules.createSchedule({ ...req.body, name: req.body.name.trim(), openOnHolidays: req.body.openOnHolidays ?? false }, actor(req));
      return reply.code(201).send(toSchedule(sql(`${SELECT} WHERE id = ?`).get(id) as ScheduleRow));
    });

    app.get('/api/schedules', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List schedules by name',
        querystring: Type.Object({ limit: Limit }),
        response: { 200: Type.Array(Schedule), ...errorResponses },
      },
    }, async (req) => (sql(`${SELECT} ORDER BY name LIMIT ?`).all(req.query.limit ?? LIST_LIMIT) as ScheduleRow[]).map(toSchedule));
  };
}
