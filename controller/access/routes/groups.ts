import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest, notFound } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, checkValidity, EpochMs, IdParams, Limit, LIST_LIMIT, missingIds, Nullable, PlaceId, RowId, statements, strict, Text } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Grant = Type.Object({
  zoneId: PlaceId,
  scheduleId: RowId,
}, { ...strict, description: 'The zone (and the zones inside it) during the schedule' });
const Group = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  grants: Type.Array(Type.Object({ zoneId: Type.String(), scheduleId: Type.Integer(), scheduleName: Type.String() })),
  members: Type.Integer({ description: 'How many people are in the group' }),
});
type Group = Static<typeof Group>;
const Membership = Type.Object({ personId: Type.Integer(), groupId: Type.Integer(), validFrom: Nullable(EpochMs), validUntil: Nullable(EpochMs) });

/** Access groups: zones during schedules, and the people in each group. */
export function groupRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const groups = (where: string, ...params: Array<number>): Group[] => {
    const rows = sql(`SELECT g.id, g.name, (SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id) AS members
      FROM access_groups g ${where}`).all(...params) as Array<Omit<Group, 'grants'>>;
    const grants = sql(`SELECT a.group_id AS groupId, a.zone_id AS zoneId, a.schedule_id AS scheduleId, s.name AS scheduleName
      FROM access_grants a JOIN schedules s ON s.id = a.schedule_id
      WHERE a.group_id IN (SELECT value FROM json_each(?)) ORDER BY a.zone_id, s.name`)
      .all(JSON.stringify(rows.map((r) => r.id))) as Array<Group['grants'][number] & { groupId: number }>;
    return rows.map((g) => ({ ...g, grants: grants.filter((a) => a.groupId === g.id).map(({ groupId: _, ...a }) => a) }));
  };
  const groupExists = (id: number): void => {
    if (sql('SELECT 1 FROM access_groups WHERE id = ?').get(id) === undefined) throw notFound(`access group ${id} does not exist`);
  };

  return async (app) => {
    const tags = ['rules'];
    app.post('/api/access-groups', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Create an access group with its grants',
        body: Type.Object({ name: Text(100), grants: Type.Array(Grant, { maxItems: 100, uniqueItems: true }) }, strict),
        response: { 201: Group, ...errorResponses },
      },
    }, async (req, reply) => {
      const unknown = missingIds(deps.sqlite, 'schedules', req.body.grants.map((g) => g.scheduleId));
      if (unknown.length > 0) throw badRequest(`unknown schedules: ${unknown.join(', ')}`);
      const id = deps.access.rules.createGroup({ ...req.body, name: req.body.name.trim() }, actor(req));
      return reply.code(201).send(groups('WHERE g.id = ?', id)[0] as Group);
    });

    app.get('/api/access-groups', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List access groups with their grants',
        querystring: Type.Object({ limit: Limit }),
        response: { 200: Type.Array(Group), ...errorResponses },
      },
    }, async (req) => groups('ORDER BY g.name LIMIT ?', req.query.limit ?? LIST_LIMIT));

    app.post('/api/access-groups/:id/members', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Put a person in a group (or change the dates of their membership)',
        params: IdParams,
        body: Type.Object({ personId: RowId, validFrom: Type.Optional(EpochMs), validUntil: Type.Optional(EpochMs) }, strict),
        response: { 200: Membership, ...errorResponses },
      },
    }, async (req) => {
      const groupId = req.params.id;
      const { personId, validFrom, validUntil } = req.body;
      groupExists(groupId);
      if (missingIds(deps.sqlite, 'people', [personId]).length > 0) throw badRequest(`person ${personId} does not exist`);
      checkValidity(validFrom, validUntil);
      deps.access.rules.addMembership({ groupId, ...req.body }, actor(req));
      return { personId, groupId, validFrom: validFrom ?? null, validUntil: validUntil ?? null };
    });

    app.delete('/api/access-groups/:id/members/:personId', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Take a person out of a group',
        params: Type.Object({ id: RowId, personId: RowId }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    }, async (req, reply) => {
      deps.access.rules.removeMembership(req.params.personId, req.params.id, actor(req));
      return reply.code(204).send(null);
    });
  };
}
