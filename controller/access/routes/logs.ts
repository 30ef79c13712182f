import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { checkWindow, EpochMs, Limit, LIST_LIMIT, Nullable, PlaceId, RowId, statements, Where } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Decision = Type.Object({
  id: Type.Integer(),
  at: EpochMs,
  deviceTs: Nullable(Type.Integer({ description: "The reader's own clock" })),
  doorId: Type.String(),
  deviceId: Nullable(Type.String()),
  uid: Nullable(Type.String()),
  credentialId: Nullable(Type.Integer()),
  personId: Nullable(Type.Integer()),
  personName: Nullable(Type.String()),
  grant: Type.Boolean(),
  reason: Type.String(),
  source: Type.Enum(['controller', 'offline', 'remote'], { description: 'remote: a manager unlocked the door from afar' }),
  alert: Nullable(Type.String({ description: 'Anti-passback alert, or who unlocked the door from afar and why' })),
});
type Decision = Static<typeof Decision>;

const Passage = Type.Object({
  id: Type.Integer(),
  decisionId: Type.Integer(),
  doorId: Type.String(),
  personId: Nullable(Type.Integer()),
  personName: Nullable(Type.String()),
  fromZone: Type.String(),
  toZone: Type.String(),
  at: EpochMs,
});

const window = {
  from: Type.Optional(Type.Integer({ description: 'At or after this time (ms)' })),
  to: Type.Optional(Type.Integer({ description: 'Before this time (ms)' })),
};

/** The logs: every access decision, and the passages that door contacts confirmed. */
export function logRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  return async (app) => {
    const tags = ['access logs'];
    app.get('/api/access-decisions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Access decisions, newest first',
        querystring: Type.Object({
          ...window,
          doorId: Type.Optional(PlaceId),
          personId: Type.Optional(RowId),
          grant: Type.Optional(Type.Boolean()),
          source: Type.Optional(Type.Enum(['controller', 'offline', 'remote'])),
          limit: Limit,
        }),
        response: { 200: Type.Array(Decision), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, doorId, personId, grant, source, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('d.at >= ?', from).add('d.at < ?', to).add('d.door_id = ?', doorId)
        .add('d.person_id = ?', personId).add('d."grant" = ?', grant).add('d.source = ?', source);
      const rows = sql(`SELECT d.id, d.at, d.device_ts AS deviceTs, d.door_id AS doorId, d.device_id AS deviceId, d.uid,
          d.credential_id AS credentialId, d.person_id AS personId, p.name AS personName, d."grant", d.reason, d.source, d.alert
        FROM access_decisions d LEFT JOIN people p ON p.id = d.person_id
        ${String(where)} ORDER BY d.at DESC, d.id DESC LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT) as Array<Omit<Decision, 'grant'> & { grant: number }>;
      return rows.map((r) => ({ ...r, grant: r.grant === 1 }));
    });

    app.get('/api/passages', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Passages (a grant followed by the door opening), newest first',
        querystring: Type.Object({ ...window, personId: Type.Optional(RowId), doorId: Type.Optional(PlaceId), limit: Limit }),
        response: { 200: Type.Array(Passage), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, personId, doorId, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('x.at >= ?', from).add('x.at < ?', to).add('x.person_id = ?', personId).add('x.door_id = ?', doorId);
      return sql(`SELECT x.id, x.decision_id AS decisionId, x.door_id AS doorId, x.person_id AS personId, p.name AS personName,
          x.from_zone AS fromZone, x.to_zone AS toZone, x.at
        FROM passages x LEFT JOIN people p ON p.id = x.person_id
        ${String(where)} ORDER BY x.at DESC, x.id DESC LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT) as Array<Static<typeof Passage>>;
    });
  };
}
