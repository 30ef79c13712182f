import { afterEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../controller/db/schema.js';
import { captureLogs, createTestHttpApp, TEST_ORIGIN, type TestHttpApp } from '../support/http-app.js';

let t: TestHttpApp;
afterEach(async () => {
  await t.close();
});

function login(username: string, password: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });
}

function sessionFrom(res: { cookies: Array<{ name: string; value: string }> }) {
  const cookie = res.cookies.find((c) => c.name === 'mf_session');
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `mf_session=${cookie.value}`, origin: TEST_ORIGIN };
}

describe('login', () => {
  it('sets an httpOnly, SameSite=Strict session cookie and returns the user', async () => {
    t = await createTestHttpApp({ sessionTtlMs: 2 * 3_600_000 });
    const { user, password } = await t.createUser('member');
    const res = await login(user.username, password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: user.id, username: user.username, role: 'member' });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^mf_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain('Max-Age=7200');
    expect(setCookie).not.toContain('Secure'); // plain http: a Secure cookie would never come back
    const audit = t.db.db.select().from(auditLog).all();
    expect(audit).toEqual([expect.objectContaining({ actor: user.username, action: 'auth.login', subject: `user:${user.id}` })]);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    t = await createTestHttpApp({ trustProxy: true });
    const { user, password } = await t.createUser('member');
    const res = await login(user.username, password, { 'x-forwarded-proto': 'https' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
  });

  it('refuses a wrong password with 401 and logs a warning', async () => {
    const logs = captureLogs();
    t = await createTestHttpApp({ logger: logs.logger });
    const { user } = await t.createUser('member');
    const res = await login(user.username, 'not the password');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'Unauthorized', message: 'invalid username or password' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'failed login', username: user.username }));
    expect(JSON.stringify(logs.lines)).not.toContain('not the password');
  });

  it('answers 429 after 5 attempts a minute for one address and username, not for another username', async () => {
    t = await createTestHttpApp();
    const { user, password } = await t.createUser('member');
    for (let i = 0; i < 5; i += 1) expect((await login(user.username, 'wrong password!')).statusCode).toBe(401);
    const limited = await login(user.username, password);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(/too many login attempts .* try again in 1 minute/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json().requestId).toBe(limited.headers['x-request-id']);
    // The same address trying another account is counted apart (usernames are case-folded).
    expect((await login('someone-else', 'wrong password!')).statusCode).toBe(401);
    expect((await login(user.username.toUpperCase(), password)).statusCode).toBe(429);
  });

  it('refuses a malformed body with 400 listing the fields', async () => {
    t = await createTestHttpApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'Bad Request', fields: ['body.password'] });
    expect(res.json().message).toContain('body.password is required');
  });
});

describe('sessions', () => {
  it('resolve the user from the cookie, and logout ends them', async () => {
    t = await createTestHttpApp();
    const { user, password } = await t.createUser('manager');
    const headers = sessionFrom(await login(user.username, password));
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ id: user.id, username: user.username, role: 'manager' });

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^mf_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });

  it('expire with the clock', async () => {
    t = await createTestHttpApp({ sessionTtlMs: 60_000 });
    const { user, password } = await t.createUser('member');
    const headers = sessionFrom(await login(user.username, password));
    t.clock.advance(60_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });
});

describe('API tokens', () => {
  it('are shown once, work as Bearer, and stop working once revoked', async () => {
    t = await createTestHttpApp();
    const { user } = await t.createUser('member');
    const session = t.asSession(user);
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: session, payload: { name: 'import script', expiresInDays: 30 } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: 'import script', expiresAt: t.clock.now + 30 * 86_400_000 });
    const bearer = { authorization: `Bearer ${body.token}` };

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
    expect(me.json()).toMatchObject({ id: user.id });
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/tokens', headers: bearer });
    expect(list.json()).toEqual([expect.objectContaining({ id: body.id, name: 'import script', lastUsedAt: t.clock.now })]);
    expect(list.body).not.toContain(body.token);

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${body.id}`, headers: session });
    expect(revoked.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${body.id}`, headers: session })).statusCode).toBe(404);
    const actions = t.db.db.select().from(auditLog).all().map((a) => a.action);
    expect(actions).toEqual(['auth.token.create', 'auth.token.revoke']);
  });

  it("cannot be revoked by another member; an unknown or malformed bearer is anonymous", async () => {
    t = await createTestHttpApp();
    const { user: owner } = await t.createUser('member');
    const { user: other } = await t.createUser('member');
    const { id } = t.users.createApiToken(owner.id, { name: 'mine' });
    const res = await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: t.asBearer(other) });
    expect(res.statusCode).toBe(404);
    for (const authorization of ['Bearer forged', 'Basic YWxpY2U6c2VjcmV0', 'Bearer']) {
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization } })).statusCode).toBe(401);
    }
  });
});
