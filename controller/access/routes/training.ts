import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, checkWindow, EpochMs, Limit, LIST_LIMIT, missingIds, PlaceId, RowId, statements, strict, Text, Where } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Session = Type.Object({
  id: Type.Integer(),
  zoneId: Type.String(),
  name: Type.String(),
  startsAt: EpochMs,
  endsAt: EpochMs,
  traineeIds: Type.Array(Type.Integer()),
});
type Session = Static<typeof Session>;

/** Training sessions: trainees may enter the room during their sessions (from a margin before). */
export function trainingRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const withTrainees = (rows: Array<Omit<Session, 'traineeIds'>>): Session[] => {
    const enrolled = sql(`SELECT session_id AS sessionId, person_id AS personId FROM training_enrollments
      WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY person_id`)
      .all(JSON.stringify(rows.map((r) => r.id))) as Array<{ sessionId: number; personId: number }>;
    return rows.map((s) => ({ ...s, traineeIds: enrolled.filter((e) => e.sessionId === s.id).map((e) => e.personId) }));
  };
  const SELECT = 'SELECT id, zone_id AS zoneId, name, starts_at AS startsAt, ends_at AS endsAt FROM training_sessions';

  return async (app) => {
    const tags = ['training'];
    app.post('/api/training-sessions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Schedule a training session and enrol its trainees',
        body: Type.Object({
          zoneId: PlaceId,
          name: Text(100),
          startsAt: EpochMs,
          endsAt: EpochMs,
          traineeIds: Type.Array(RowId, { minItems: 1, maxItems: 200, uniqueItems: true }),
        }, strict),
        response: { 201: Session, ...errorResponses },
      },
    }, async (req, reply) => {
      const unknown = missingIds(deps.sqlite, 'people', req.body.traineeIds);
      if (unknown.length > 0) throw badRequest(`unknown people: ${unknown.join(', ')}`);
      const id = deps.access.rules.createTrainingSession({ ...req.body, name: req.body.name.trim() }, actor(req));
      return reply.code(201).send(withTrainees(sql(`${SELECT} WHERE id = ?`).all(id) as Array<Omit<Session, 'traineeIds'>>)[0] as Session);
    });

    app.get('/api/training-sessions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List the training sessions that overlap a period, by start',
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ description: 'Sessions ending after this time (ms)' })),
          to: Type.Optional(Type.Integer({ description: 'Sessions starting before this time (ms)' })),
          zoneId: Type.Optional(PlaceId),
          limit: Limit,
        }),
        response: { 200: Type.Array(Session), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, zoneId, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('ends_at > ?', from).add('starts_at < ?', to).add('zone_id = ?', zoneId);
      return withTrainees(sql(`${SELECT} ${String(where)} ORDER BY starts_at, id LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT) as Array<Omit<Session, 'traineeIds'>>);
    });
  };
}
