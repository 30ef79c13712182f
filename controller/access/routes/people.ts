import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import { requireUser } from '../../http/guard.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, EpochMs, IdParams, Limit, LIST_LIMIT, missingIds, Nullable, PersonKind, RowId, statements, strict, Text, Where } from './common.js';
import { Credential, CREDENTIAL_SELECT, toCredential } from './credentials.js';
import type { AccessRoutesDeps } from './deps.js';
import { PASS_SELECT, toPass, VisitorPass } from './visitor-passes.js';

const Person = Type.Object({
  id: Type.Integer(),
  kind: PersonKind,
  name: Type.String(),
  email: Nullable(Type.String()),
  companyId: Nullable(Type.Integer()),
  companyName: Nullable(Type.String()),
  userId: Nullable(Type.Integer({ description: 'Their login, when they have one' })),
  active: Type.Boolean(),
  createdAt: EpochMs,
});
type Person = Static<typeof Person>;
type PersonRow = Omit<Person, 'active'> & { active: number };

const Membership = Type.Object({ groupId: Type.Integer(), groupName: Type.String(), validFrom: Nullable(EpochMs), validUntil: Nullable(EpochMs) });
const PersonDetail = Type.Object({
  ...Person.properties,
  credentials: Type.Array(Credential),
  memberships: Type.Array(Membership),
  passes: Type.Array(VisitorPass, { description: 'Visitor passes of this person, as the visitor' }),
});

const NewPerson = Type.Object({
  kind: Type.Enum(['member', 'resident', 'trainee', 'staff'], { description: 'Visitors are created with their pass (POST /api/visitor-passes)' }),
  name: Text(100),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  companyId: Type.Optional(RowId),
  userId: Type.Optional(RowId),
}, strict);

const PERSON_SELECT = `SELECT p.id, p.kind, p.name, p.email, p.company_id AS companyId, c.name AS companyName, p.user_id AS userId,
  p.active, p.created_at AS createdAt FROM people p LEFT JOIN companies c ON c.id = p.company_id`;
const toPerson = (row: PersonRow): Person => ({ ...row, active: row.active === 1 });

/** People: members, residents, trainees, staff and visitors; deactivated rather than deleted. */
export function peopleRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const person = (id: number): Person => {
    const row = sql(`${PERSON_SELECT} WHERE p.id = ?`).get(id) as PersonRow | undefined;
    if (row === undefined) throw notFound(`person ${id} does not exist`);
    return toPerson(row);
  };
  const detail = (id: number): Static<typeof PersonDetail> => ({
    ...person(id),
    credentials: (sql(`${CREDENTIAL_SELECT} WHERE person_id = ? ORDER BY id`).all(id) as Array<Parameters<typeof toCredential>[0]>).map(toCredential),
    memberships: sql(`SELECT m.group_id AS groupId, g.name AS groupName, m.valid_from AS validFrom, m.valid_until AS validUntil
      FROM group_memberships m JOIN access_groups g ON g.id = m.group_id WHERE m.person_id = ? ORDER BY g.name`).all(id) as Array<Static<typeof Membership>>,
    passes: (sql(`${PASS_SELECT} WHERE vp.person_id = ? ORDER BY vp.id DESC`).all(id) as Array<Parameters<typeof toPass>[0]>).map(toPass),
  });

  return async (app) => {
    const tags = ['people'];
    app.post('/api/people', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'Create a person', body: NewPerson, response: { 201: PersonDetail, ...errorResponses } },
    }, async (req, reply) => {
      const { companyId, userId } = req.body;
      // Staff badges open every door, even in a lockdown: only an admin makes someone staff.
      if (req.body.kind === 'staff' && requireUser(req).role !== 'admin') throw forbidden('only an admin may create a staff member');
      if (companyId !== undefined && missingIds(deps.sqlite, 'companies', [companyId]).length > 0) throw badRequest(`company ${companyId} does not exist`);
      if (userId !== undefined && missingIds(deps.sqlite, 'users', [userId]).length > 0) throw badRequest(`user ${userId} does not exist`);
      const id = deps.access.people.createPerson({ ...req.body, name: req.body.name.trim() }, actor(req));
      return reply.code(201).send(detail(id));
    });

    app.get('/api/people', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List people by name',
        querystring: Type.Object({
          kind: Type.Optional(PersonKind),
          companyId: Type.Optional(RowId),
          active: Type.Optional(Type.Boolean()),
          q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name or e-mail' })),
          limit: Limit,
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Rows to skip, for the next page' })),
        }),
        response: { 200: Type.Array(Person), ...errorResponses },
      },
    }, async (req) => {
      const { kind, companyId, active, q, limit, offset } = req.query;
      const where = new Where().add('p.kind = ?', kind).add('p.company_id = ?', companyId).add('p.active = ?', active)
        .add("(p.name LIKE '%' || ? || '%' OR p.email LIKE '%' || ? || '%')", q);
      const rows = sql(`${PERSON_SELECT} ${String(where)} ORDER BY p.name, p.id LIMIT ? OFFSET ?`).all(...where.params, limit ?? LIST_LIMIT, offset ?? 0);
      return (rows as PersonRow[]).map(toPerson);
    });

    app.get('/api/people/:id', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'A person with their badges, group memberships and visitor passes',
        params: IdParams, response: { 200: PersonDetail, ...errorResponses },
      },
    }, async (req) => detail(req.params.id));

    for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
      app.post(`/api/people/:id/${path}`, {
        config: { roles: ROLES.staff },
        schema: {
          tags, params: IdParams, response: { 200: PersonDetail, ...errorResponses },
          summary: active ? 'Reactivate a person' : 'Deactivate a person: every badge of theirs is refused at once, history kept',
        },
      }, async (req) => {
        deps.access.people.setPersonActive(req.params.id, active, actor(req));
        return detail(req.params.id);
      });
    }
  };
}
