import type {} from '@fastify/rate-limit'; // for config.rateLimit
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AuditFn } from '../../auth/audit.js';
import { ROLES } from '../../auth/roles.js';
import { PASSWORD_MAX, type UserService } from '../../auth/users.js';
import { HttpError, notFound } from '../errors.js';
import { requireUser, SESSION_COOKIE } from '../guard.js';
import { ApiTokenBody, AuthUserBody, errorResponses } from '../schemas.js';

export interface AuthRoutesOptions {
  users: UserService;
  audit: AuditFn;
  /** milliseconds */
  sessionTtlMs: number;
}

const LOGIN_LIMIT = {
  max: 5, // attempts
  timeWindow: 60_000, // 1 minute
};
const DAY_MS = 86_400_000;

// Per IP and username: a guesser is slowed on one account without locking its owner out from
// another place. Runs as a preHandler because the username is in the (parsed) body.
function loginKey(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  const username = typeof body?.username === 'string' ? body.username.trim().toLowerCase() : '';
  return `${request.ip}|${username}`;
}

function sessionCookie(reply: FastifyReply, request: FastifyRequest, token: string, ttlMs: number) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true, // no script can read it, so an XSS cannot steal the session
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: Math.floor(ttlMs / 1000), // seconds
  });
}

const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
});

const NewTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, description: 'What the token is for, e.g. "badge import script"' }),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'No value: the token never expires' })),
});

const NewTokenReply = Type.Object({ ...ApiTokenBody.properties, token: Type.String({ description: 'Shown once: keep it' }) });

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const { users, audit, sessionTtlMs } = opts;

  app.post('/api/auth/login', {
    config: {
      public: true,
      rateLimit: {
        ...LOGIN_LIMIT,
        hook: 'preHandler',
        keyGenerator: loginKey,
        errorResponseBuilder: (_request, ctx) =>
          new HttpError(ctx.statusCode, `too many login attempts for this user from this address: try again in ${ctx.after}`),
      },
    },
    schema: {
      tags: ['auth'],
      summary: 'Log in: sets the mf_session cookie',
      description: `At most ${LOGIN_LIMIT.max} attempts per minute per address and username.`,
      body: LoginBody,
      response: { 200: AuthUserBody, ...errorResponses },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const user = await users.verifyLogin(username, password);
    if (!user) {
      request.log.warn({ username, ip: request.ip }, 'failed login');
      throw new HttpError(401, 'invalid username or password');
    }
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) users.deleteSession(previous);
    const { token } = users.createSession(user.id, sessionTtlMs);
    sessionCookie(reply, request, token, sessionTtlMs);
    audit({ actor: user.username, action: 'auth.login', subject: `user:${user.id}`, detail: { ip: request.ip } });
    return user;
  });

  // Public so that a browser holding an expired session can still clear its cookie.
  app.post('/api/auth/logout', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'Log out: ends the session and clears the cookie', response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) users.deleteSession(token);
    if (request.user && request.authMethod === 'session') {
      audit({ actor: request.user.username, action: 'auth.logout', subject: `user:${request.user.id}` });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { roles: ROLES.everyone },
    schema: { tags: ['auth'], summary: 'Who am I', response: { 200: AuthUserBody, ...errorResponses } },
  }, async (request) => requireUser(request));

  app.post('/api/auth/tokens', {
    config: { roles: ROLES.everyone },
    schema: {
      tags: ['auth'],
      summary: 'Create an API token for yourself; the token is shown once',
      body: NewTokenBody,
      response: { 201: NewTokenReply, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = requireUser(request);
    const { name, expiresInDays } = request.body;
    const created = users.createApiToken(user.id, expiresInDays === undefined ? { name } : { name, ttlMs: expiresInDays * DAY_MS });
    audit({ actor: user.username, action: 'auth.token.create', subject: `api_token:${created.id}`, detail: { name, expiresAt: created.expiresAt } });
    return reply.code(201).send(created);
  });

  app.get('/api/auth/tokens', {
    config: { roles: ROLES.everyone },
    schema: { tags: ['auth'], summary: 'Your API tokens (never their secret)', response: { 200: Type.Array(ApiTokenBody), ...errorResponses } },
  }, async (request) => users.listApiTokens(requireUser(request).id));

  app.delete('/api/auth/tokens/:id', {
    config: { roles: ROLES.everyone },
    schema: {
      tags: ['auth'],
      summary: 'Revoke an API token (yours; an admin may revoke any)',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const user = requireUser(request);
    if (!users.revokeApiToken(request.params.id, user)) throw notFound(`no active API token ${request.params.id} of yours`);
    audit({ actor: user.username, action: 'auth.token.revoke', subject: `api_token:${request.params.id}` });
    return reply.code(204).send(null);
  });
};
