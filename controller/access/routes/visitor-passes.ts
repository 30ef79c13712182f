import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, checkWindow, EpochMs, Limit, LIST_LIMIT, Nullable, PlaceId, RowId, statements, strict, Text, Uid, Where } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

export const VisitorPass = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer({ description: 'The visitor, created with the pass' }),
  visitorName: Type.String(),
  visitorEmail: Nullable(Type.String()),
  uid: Nullable(Type.String({ description: 'The day badge' })),
  badgeStatus: Nullable(Type.String()),
  hostPersonId: Type.Integer(),
  hostName: Type.String(),
  validFrom: EpochMs,
  validUntil: EpochMs,
  maxUses: Nullable(Type.Integer({ description: 'null: unlimited within the validity' })),
  uses: Type.Integer(),
  zoneIds: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: EpochMs,
});
export type VisitorPass = Static<typeof VisitorPass>;

export const PASS_SELECT = `SELECT vp.id, vp.person_id AS personId, v.name AS visitorName, v.email AS visitorEmail, c.uid, c.status AS badgeStatus,
    vp.host_person_id AS hostPersonId, h.name AS hostName, vp.valid_from AS validFrom, vp.valid_until AS validUntil,
    vp.max_uses AS maxUses, vp.uses, vp.zone_ids AS zoneIds, vp.created_by AS createdBy, vp.created_at AS createdAt
  FROM visitor_passes vp
  JOIN people v ON v.id = vp.person_id
  JOIN people h ON h.id = vp.host_person_id
  LEFT JOIN credentials c ON c.id = (SELECT min(id) FROM credentials WHERE person_id = vp.person_id)`;

export const toPass = (row: Omit<VisitorPass, 'zoneIds'> & { zoneIds: string }): VisitorPass =>
  ({ ...row, zoneIds: JSON.parse(row.zoneIds) as string[] });

/** Visitor passes: a visitor, their day badge, where they may go, when and how many times. */
export function visitorPassRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  return async (app) => {
    const tags = ['visitors'];
    app.post('/api/visitor-passes', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Register a visitor with a day badge',
        description: 'Zones are not nested under the hall: list every zone on the way (hall, coworking, the meeting room). '
          + 'A use is counted at each entry through the main entrance.',
        body: Type.Object({
          visitorName: Text(100),
          visitorEmail: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
          uid: Uid,
          hostPersonId: RowId,
          validFrom: EpochMs,
          validUntil: EpochMs,
          maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          zoneIds: Type.Array(PlaceId, { minItems: 1, maxItems: 32, uniqueItems: true }),
        }, strict),
        response: { 201: VisitorPass, ...errorResponses },
      },
    }, async (req, reply) => {
      const { passId } = deps.access.people.createVisitorPass({ ...req.body, visitorName: req.body.visitorName.trim() }, actor(req));
      return reply.code(201).send(toPass(sql(`${PASS_SELECT} WHERE vp.id = ?`).get(passId) as Parameters<typeof toPass>[0]));
    });

    app.get('/api/visitor-passes', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List visitor passes, newest first',
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ description: 'Passes still valid at or after this time (ms)' })),
          to: Type.Optional(Type.Integer({ description: 'Passes valid before this time (ms)' })),
          hostPersonId: Type.Optional(RowId),
          limit: Limit,
        }),
        response: { 200: Type.Array(VisitorPass), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, hostPersonId, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('vp.valid_until > ?', from).add('vp.valid_from < ?', to).add('vp.host_person_id = ?', hostPersonId);
      const rows = sql(`${PASS_SELECT} ${String(where)} ORDER BY vp.id DESC LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT);
      return (rows as Array<Parameters<typeof toPass>[0]>).map(toPass);
    });
  };
}
