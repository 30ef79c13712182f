import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AuditFn } from '../../auth/audit.js';
import { ROLES } from '../../auth/roles.js';
import { UserError, type UserService } from '../../auth/users.js';
import { badRequest, conflict } from '../errors.js';
import { requireUser } from '../guard.js';
import { errorResponses, Password, RoleSchema, UserBody, Username } from '../schemas.js';

export interface UserRoutesOptions {
  users: UserService;
  audit: AuditFn;
}

const NewUserBody = Type.Object({
  username: Username,
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  role: RoleSchema,
  password: Password,
});

export const userRoutes: FastifyPluginAsyncTypebox<UserRoutesOptions> = async (app, opts) => {
  const { users, audit } = opts;

  app.post('/api/users', {
    config: { roles: ROLES.admin },
    schema: {
      tags: ['users'],
      summary: 'Create a user',
      body: NewUserBody,
      response: { 201: UserBody, ...errorResponses },
    },
  }, async (request, reply) => {
    const actor = requireUser(request);
    try {
      const created = await users.createUser(request.body);
      audit({ actor: actor.username, action: 'user.create', subject: `user:${created.id}`, detail: { username: created.username, role: created.role } });
      return reply.code(201).send(created);
    } catch (err) {
      if (err instanceof UserError) throw err.code === 'USERNAME_TAKEN' ? conflict(err.message) : badRequest(err.message);
      throw err;
    }
  });

  app.get('/api/users', {
    config: { roles: ROLES.admin },
    schema: { tags: ['users'], summary: 'List users', response: { 200: Type.Array(UserBody), ...errorResponses } },
  }, async () => users.listUsers());
};
