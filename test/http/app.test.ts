import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, createTestHttpApp, type TestHttpApp } from '../support/http-app.js';

let t: TestHttpApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const failing: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/boom', { config: { public: true } }, async () => {
    throw new Error('SQLITE_CORRUPT: /var/lib/secret/path');
  });
  app.post('/api/echo', {
    config: { public: true },
    schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }), s: Type.String() }) },
  }, async (request) => request.body);
};

describe('errors', () => {
  it('hides a 5xx message from the client and logs it with the request id', async () => {
    const logs = captureLogs();
    t = await createTestHttpApp({ plugins: [failing], logger: logs.logger });
    const res = await t.app.inject({ method: 'GET', url: '/api/boom' });
    expect(res.statusCode).toBe(500);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(UUID);
    expect(res.json()).toEqual({ error: 'Internal Server Error', requestId });
    expect(res.body).not.toContain('SQLITE');
    const logged = logs.lines.find((l) => l.level === 50);
    expect(logged).toMatchObject({ reqId: requestId, msg: 'request failed', err: { message: 'SQLITE_CORRUPT: /var/lib/secret/path' } });
  });

  it('answers 400 naming every invalid field', async () => {
    t = await createTestHttpApp({ plugins: [failing] });
    const res = await t.app.inject({ method: 'POST', url: '/api/echo', payload: { n: 0 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.fields).toEqual(['body.s', 'body.n']);
    expect(body.message).toBe('invalid request: body.s is required; body.n must be >= 1');
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('keeps the message of other 4xx errors (bad JSON)', async () => {
    t = await createTestHttpApp({ plugins: [failing] });
    const res = await t.app.inject({ method: 'POST', url: '/api/echo', payload: '{"n":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(/JSON/) });
  });

  it('answers unknown routes with a JSON 404, API or not, authenticated or not', async () => {
    t = await createTestHttpApp();
    for (const [method, url] of [['GET', '/api/nothing'], ['POST', '/api/nothing'], ['GET', '/missing.js']] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ error: 'Not Found', message: `no route ${method} ${url}`, requestId: res.headers['x-request-id'] });
    }
  });

  it('gives every response a fresh request id', async () => {
    t = await createTestHttpApp();
    const a = await t.app.inject({ method: 'GET', url: '/healthz' });
    const b = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'chosen-by-client' } });
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).not.toBe(a.headers['x-request-id']);
  });
});

describe('probes', () => {
  it('/healthz is always ok', async () => {
    t = await createTestHttpApp({ readiness: async () => ({ ready: false, checks: { broker: false } }) });
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when ready, 503 with the failing checks otherwise', async () => {
    let broker = true;
    t = await createTestHttpApp({ readiness: async () => ({ ready: broker, checks: { db: true, broker } }) });
    const ok = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', checks: { db: true, broker: true } });
    broker = false;
    const down = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'not ready', checks: { db: true, broker: false } });
  });

  it('/readyz answers 503 when the check itself throws', async () => {
    t = await createTestHttpApp({ readiness: async () => { throw new Error('db gone'); } });
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not ready', checks: {} });
  });
});

describe('OpenAPI document', () => {
  it('is served at /docs/json with every API route, its tags and its security', async () => {
    t = await createTestHttpApp();
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Ménil-Flin building controller', version: expect.any(String) });
    expect(doc.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'mf_session' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual([{ session: [] }, { bearer: [] }]);
    const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'DELETE /api/auth/tokens/{id}', 'GET /api/auth/me', 'GET /api/auth/tokens', 'GET /api/users', 'GET /healthz', 'GET /readyz',
      'POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/auth/tokens', 'POST /api/users',
    ]);
    // Every operation is a valid OpenAPI operation: responses, a tag, and an operation-level security only when public.
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object; tags: string[] }>>)) {
      for (const op of Object.values(ops)) {
        expect(Object.keys(op.responses).length, path).toBeGreaterThan(0);
        expect(op.tags.length, path).toBeGreaterThan(0);
      }
    }
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/users'].post.description).toContain('Roles: admin.');
    expect(doc.paths['/api/users'].post.requestBody.content['application/json'].schema.required)
      .toEqual(['username', 'displayName', 'role', 'password']);
    expect(doc.paths['/api/auth/tokens/{id}'].delete.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
  });

  it('has its UI at /docs, public', async () => {
    t = await createTestHttpApp();
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('dashboard', () => {
  it('serves the dashboard page at / without login, and not its sources', async () => {
    t = await createTestHttpApp();
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<title>Ménil-Flin — tableau de bord</title>');
    expect(res.body).toContain('href="/docs"');
    for (const url of ['/public.html', '/styles.css']) expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    for (const url of ['/src/main.ts', '/build.ts']) expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
  });
});
