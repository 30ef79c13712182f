import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../controller/auth/roles.js';
import { captureLogs, createTestHttpApp, type TestHttpApp } from '../support/http-app.js';

let t: TestHttpApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

// What a module of the composition root would add: routes that declare their roles, and one that forgets.
const probe: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/probe/staff', { config: { roles: ROLES.staff } }, async (request) => ({ user: request.user?.username }));
  app.post('/api/probe/member', { config: { roles: ['member'] } }, async () => ({ ok: true }));
  app.get('/api/probe/open', { config: { public: true } }, async (request) => ({ user: request.user?.username ?? null }));
  app.get('/api/probe/forgotten', async () => ({ leaked: true }));
};

async function status(url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET') {
  return (await t!.app.inject({ method, url, headers })).statusCode;
}

describe('authorization', () => {
  it('follows the role matrix on the built-in and plugin routes', async () => {
    t = await createTestHttpApp({ plugins: [probe] });
    const callers: Record<Role | 'anonymous', Record<string, string>> = {
      anonymous: {},
      member: t.asSession((await t.createUser('member')).user),
      manager: t.asBearer((await t.createUser('manager')).user),
      admin: t.asSession((await t.createUser('admin')).user),
    };
    const expected: Record<string, Record<Role | 'anonymous', number>> = {
      'GET /api/users': { anonymous: 401, member: 403, manager: 403, admin: 200 },
      'GET /api/probe/staff': { anonymous: 401, member: 403, manager: 200, admin: 200 },
      'POST /api/probe/member': { anonymous: 401, member: 200, manager: 403, admin: 403 },
      'GET /api/probe/open': { anonymous: 200, member: 200, manager: 200, admin: 200 },
      'GET /api/probe/forgotten': { anonymous: 403, member: 403, manager: 403, admin: 403 },
      'GET /api/auth/me': { anonymous: 401, member: 200, manager: 200, admin: 200 },
      'GET /healthz': { anonymous: 200, member: 200, manager: 200, admin: 200 },
    };
    const actual: typeof expected = {};
    for (const route of Object.keys(expected)) {
      const [method, url] = route.split(' ') as ['GET' | 'POST', string];
      actual[route] = { anonymous: 0, member: 0, manager: 0, admin: 0 };
      for (const [who, headers] of Object.entries(callers)) actual[route]![who as Role] = await status(url, headers, method);
    }
    expect(actual).toEqual(expected);
  });

  it('lets public routes see who is calling', async () => {
    t = await createTestHttpApp({ plugins: [probe] });
    const { user } = await t.createUser('member');
    const res = await t.app.inject({ method: 'GET', url: '/api/probe/open', headers: t.asSession(user) });
    expect(res.json()).toEqual({ user: user.username });
  });

  it('explains a 403 for a route without roles and warns once at startup', async () => {
    const logs = captureLogs();
    t = await createTestHttpApp({ plugins: [probe], logger: logs.logger });
    const { user } = await t.createUser('admin');
    const res = await t.app.inject({ method: 'GET', url: '/api/probe/forgotten', headers: t.asSession(user) });
    expect(res.json()).toMatchObject({ error: 'Forbidden', message: 'this route declares no roles' });
    const warnings = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('routes without config.roles'));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, routes: ['GET /api/probe/forgotten'] })]);
  });

  it('refuses at startup a route that is both public and role-restricted, or names an unknown role', async () => {
    const both: FastifyPluginAsync = async (app) => {
      app.get('/x', { config: { public: true, roles: ROLES.admin } }, async () => 'x');
    };
    t = await createTestHttpApp({ plugins: [both] });
    await expect(t.app.ready()).rejects.toThrow(/GET \/x: declares both/);
    await t.close();
    const typo: FastifyPluginAsync = async (app) => {
      app.get('/y', { config: { roles: ['admn' as Role] } }, async () => 'y');
    };
    t = await createTestHttpApp({ plugins: [typo] });
    await expect(t.app.ready()).rejects.toThrow(/unknown role/);
  });

  it('treats a disabled user as anonymous', async () => {
    t = await createTestHttpApp();
    const { user } = await t.createUser('admin');
    const headers = t.asSession(user);
    t.db.sqlite.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(user.id);
    expect(await status('/api/users', headers)).toBe(401);
  });
});

describe('CSRF', () => {
  it('accepts a cookie POST from our own origin, or without Origin but with X-Requested-With', async () => {
    t = await createTestHttpApp({ plugins: [probe] });
    const { cookie } = t.asSession((await t.createUser('member')).user);
    expect(await status('/api/probe/member', { cookie, origin: 'http://localhost' }, 'POST')).toBe(200);
    expect(await status('/api/probe/member', { cookie, origin: 'http://LOCALHOST:80' }, 'POST')).toBe(200);
    expect(await status('/api/probe/member', { cookie, 'x-requested-with': 'fetch' }, 'POST')).toBe(200);
  });

  it('refuses a cookie POST from another origin, a null origin, or with neither header', async () => {
    t = await createTestHttpApp({ plugins: [probe] });
    const { cookie } = t.asSession((await t.createUser('member')).user);
    for (const extra of [{ origin: 'https://evil.example' }, { origin: 'https://localhost' }, { origin: 'null' }, {}]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/probe/member', headers: { cookie, ...extra } });
      expect(res.statusCode, JSON.stringify(extra)).toBe(403);
      expect(res.json().message).toMatch(/cross-site request refused/);
    }
    // Reading is not protected by the check: SameSite and the absence of CORS keep the answer from other sites.
    expect(await status('/api/auth/me', { cookie, origin: 'https://evil.example' })).toBe(200);
  });

  it('exempts bearer tokens, which a browser never sends on its own', async () => {
    t = await createTestHttpApp({ plugins: [probe] });
    const headers = t.asBearer((await t.createUser('member')).user);
    expect(await status('/api/probe/member', { ...headers, origin: 'https://evil.example' }, 'POST')).toBe(200);
    expect(await status('/api/probe/member', headers, 'POST')).toBe(200);
  });

  it('trusts the forwarded host and protocol only behind a trusted proxy', async () => {
    t = await createTestHttpApp({ plugins: [probe], trustProxy: true });
    const { cookie } = t.asSession((await t.createUser('member')).user);
    const proxied = { cookie, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'controller.menil-flin.fr' };
    expect(await status('/api/probe/member', { ...proxied, origin: 'https://controller.menil-flin.fr' }, 'POST')).toBe(200);
    expect(await status('/api/probe/member', { ...proxied, origin: 'http://localhost' }, 'POST')).toBe(403);
  });
});
