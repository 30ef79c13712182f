import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, EpochMs, Limit, LIST_LIMIT, statements, strict, Text, Where } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Company = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: EpochMs,
  activePeople: Type.Integer({ description: 'Active people of the company' }),
});

/** Companies: the billing accounts that group resident people. */
export function companyRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const select = `SELECT c.id, c.name, c.created_at AS createdAt,
    (SELECT count(*) FROM people p WHERE p.company_id = c.id AND p.active = 1) AS activePeople FROM companies c`;
  return async (app) => {
    const tags = ['companies'];
    app.post('/api/companies', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Create a company',
        body: Type.Object({ name: Text(100) }, strict),
        response: { 201: Company, ...errorResponses },
      },
    }, async (req, reply) => {
      const { id } = deps.access.people.createCompany(req.body.name.trim(), actor(req));
      return reply.code(201).send(sql(`${select} WHERE c.id = ?`).get(id) as Static<typeof Company>);
    });

    app.get('/api/companies', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List companies by name',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name' })), limit: Limit }),
        response: { 200: Type.Array(Company), ...errorResponses },
      },
    }, async (req) => {
      const where = new Where().add("c.name LIKE '%' || ? || '%'", req.query.q);
      return sql(`${select} ${String(where)} ORDER BY c.name LIMIT ?`).all(...where.params, req.query.limit ?? LIST_LIMIT) as Array<Static<typeof Company>>;
    });
  };
}
