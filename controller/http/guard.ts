import type { FastifyRequest, RouteOptions } from 'fastify';
import type {} from '@fastify/cookie'; // for request.cookies
import { isRole, type AuthUser } from '../auth/roles.js';
import type { UserService } from '../auth/users.js';
import { forbidden, unauthorized } from './errors.js';
import type { HttpApp } from './types.js';

export const SESSION_COOKIE = 'mf_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** For the `onRoute` hook of a scope whose routes come from a third-party plugin (static files, docs UI). */
export function markPublic(route: RouteOptions): void {
  route.config = { ...route.config, public: true };
}

/** The caller of a route that declares roles: the guard has already refused anonymous callers there. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw unauthorized();
  return request.user;
}

function authenticate(request: FastifyRequest, users: UserService): void {
  const header = request.headers.authorization;
  if (header !== undefined) {
    // An explicit credential wins over the cookie; a malformed or unknown one leaves the caller anonymous.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    request.user = match ? users.resolveApiToken(match[1]!) : null;
    request.authMethod = request.user ? 'bearer' : null;
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token) {
    request.user = users.resolveSession(token);
    request.authMethod = request.user ? 'session' : null;
  }
}

function sameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    // URL.origin normalizes case and default ports ("http://host:80" is "http://host").
    return new URL(origin).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}

/**
 * A browser attaches the session cookie to any request, even one a hostile page triggers, so a
 * state-changing request that relies on the cookie must prove it comes from our own pages: an
 * Origin equal to ours, or (old browsers that omit Origin) a custom header, which a cross-site
 * form cannot set and a cross-site script can only set after a CORS preflight we never grant.
 * A bearer token is never sent by the browser on its own, so it needs no such proof.
 */
function checkCsrf(request: FastifyRequest): void {
  if (request.authMethod !== 'session' || SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined ? sameOrigin(origin, request) : request.headers['x-requested-with'] !== undefined) return;
  throw forbidden('cross-site request refused: send a same-origin Origin header or X-Requested-With');
}

function authorize(request: FastifyRequest): void {
  const config = request.routeOptions.config;
  if (config.public) return;
  if (!config.roles) throw forbidden('this route declares no roles');
  if (!request.user) throw unauthorized();
  if (!config.roles.includes(request.user.role)) throw forbidden(`role ${request.user.role} may not do this`);
}

/**
 * Authentication, CSRF and authorization for every route of the app. It is installed on the root
 * instance itself (not registered as an encapsulated plugin) so that every route, including
 * those of plugins registered afterwards, goes through it: deny unless the route says otherwise.
 */
export function installGuard(app: HttpApp, opts: { users: UserService }): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authMethod', null);

  // Collected now, judged at onReady: a scope's own onRoute hook (markPublic) runs after this one.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') routes.push(route);
  });
  app.addHook('onReady', async function checkDeclarations() {
    const undeclared: string[] = [];
    for (const route of routes) {
      const name = `${String(route.method)} ${route.url}`;
      const { roles, public: isPublic } = route.config ?? {};
      if (isPublic && roles) throw new Error(`${name}: declares both config.public and config.roles`);
      if (roles && !roles.every(isRole)) throw new Error(`${name}: unknown role in config.roles ${JSON.stringify(roles)}`);
      if (!isPublic && !roles) undeclared.push(name);
    }
    routes.length = 0;
    if (undeclared.length > 0) {
      this.log.warn({ routes: undeclared }, 'routes without config.roles or config.public: they answer 403 to everyone');
    }
  });

  app.addHook('onRequest', async (request) => {
    authenticate(request, opts.users);
    if (request.is404) return; // the 404 handler answers; there is no route config to check
    checkCsrf(request);
    authorize(request);
  });
}
