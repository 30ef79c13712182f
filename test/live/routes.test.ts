import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveHub, type HubOptions } from '../../controller/live/hub.js';
import type { PublicMessage, StaffDelta, StaffMessage, StaffSnapshot } from '../../controller/live/messages.js';
import { liveRoutes } from '../../controller/live/routes.js';
import { captureLogs, createTestHttpApp, type TestHttpApp } from '../support/http-app.js';
import { building } from './fakes.js';
import { openLive, refusal, sleep, type LiveConnection } from './ws-client.js';

let t: TestHttpApp | undefined;
let hub: LiveHub | undefined;
const connections: LiveConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.ws.terminate();
  await hub?.stop();
  await t?.close();
  t = hub = undefined;
});

/** The app listening on an ephemeral port, with the live routes over a hub of the real building. */
let logs: Array<Record<string, unknown>> = [];
async function serve(options: Partial<HubOptions> = {}, personName?: (id: number) => string, upgradeIdleMs = 10_000) {
  const captured = captureLogs('warn');
  logs = captured.lines;
  hub = new LiveHub({
    building, clock: Date.now, logger: captured.logger, options, sources: { occupancy: () => 0, ...(personName ? { personName } : {}) },
  });
  hub.start();
  const liveHub = hub;
  t = await createTestHttpApp({ plugins: (ctx) => [liveRoutes({ hub: liveHub, users: ctx.users, options: { upgradeIdleMs } })] });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { hub, t, base: `ws://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` };
}

async function manager(app: TestHttpApp, origin: string) {
  const { user } = await app.createUser('manager');
  return { headers: { cookie: app.asSession(user).cookie }, origin };
}

async function open(url: string, options: Parameters<typeof openLive>[1]) {
  const c = await openLive(url, options);
  connections.push(c);
  return c;
}

describe('live stream: who may connect', () => {
  it('refuses an upgrade without a session (401), for a member (403), and from another origin or none (403)', async () => {
    const { t: app, base, origin } = await serve();
    const { user: member } = await app.createUser('member');
    const mgr = await manager(app, origin);
    expect(await refusal(`${base}/api/live`, { origin })).toBe(401);
    expect(await refusal(`${base}/api/live?token=whatever`, { origin })).toBe(401);
    expect(await refusal(`${base}/api/live`, { headers: { cookie: app.asSession(member).cookie }, origin })).toBe(403);
    expect(await refusal(`${base}/api/live`, { ...mgr, origin: 'http://evil.example' })).toBe(403);
    expect(await refusal(`${base}/api/live`, { headers: mgr.headers })).toBe(403);
    expect(hub?.stats().staff).toBe(0);
  });

  it('closes the connection of a refused upgrade even when the client keeps it open', async () => {
    const { base } = await serve({}, undefined, 1_000);
    const { port } = new URL(base);
    // The live routes close at once; an upgrade elsewhere (another scope, the 404 handler) when idle.
    for (const [path, within] of [['/api/live', 500], ['/api/users', 3_000], ['/no-such-page', 3_000]] as const) {
      const start = Date.now();
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      let answer = '';
      socket.on('data', (d: Buffer) => { answer += d.toString(); });
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`
        + 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1.1 (401|404) /);
      expect(Date.now() - start).toBeLessThan(within);
    }
  });

  it('refuses a connection past the client limit (503)', async () => {
    const { base, hub: h } = await serve({ maxPublicClients: 1 });
    const first = await open(`${base}/api/live/public`, {});
    await first.waitFrames(1);
    expect(await refusal(`${base}/api/live/public`)).toBe(503);
    first.ws.close();
    await first.closed;
    while (h.stats().public > 0) await sleep(5); // the server sees the close a moment later
    expect(((await (await open(`${base}/api/live/public`, {})).waitFrames(1))[0] as PublicMessage).type).toBe('snapshot');
  });

  it('lets an API client with a bearer token connect without an Origin', async () => {
    const { t: app, base } = await serve();
    const { user } = await app.createUser('admin');
    const c = await open(`${base}/api/live`, { headers: app.asBearer(user) });
    expect(((await c.waitFrames(1))[0] as StaffMessage).type).toBe('snapshot');
  });

  it('ends the stream when the session is logged out', async () => {
    const { t: app, base, origin } = await serve({ revalidateIntervalMs: 50 });
    const { user } = await app.createUser('manager');
    const session = app.asSession(user);
    const c = await open(`${base}/api/live`, { headers: { cookie: session.cookie }, origin });
    await c.waitFrames(1);
    const out = await app.app.inject({ method: 'POST', url: '/api/auth/logout', headers: session });
    expect(out.statusCode).toBeLessThan(300);
    expect(await c.closed).toEqual({ code: 4401, reason: 'session ended' });
  });
});

describe('live stream: snapshot then deltas', () => {
  it('gives a manager the snapshot, then deltas after hub updates', async () => {
    const { t: app, base, origin, hub: h } = await serve();
    const c = await open(`${base}/api/live`, await manager(app, origin));
    const [first] = await c.waitFrames(1);
    expect(first).toMatchObject({ type: 'snapshot', v: 1, state: { zones: { coworking: { occupancy: 0, capacity: 50 } } } });
    await sleep(120);
    h.setZoneOccupancy('coworking', 12);
    h.accessEvent({ type: 'door', at: Date.now(), doorId: 'coworking', state: 'open' });
    const frames = await c.waitFrames(2);
    expect(frames[1]).toMatchObject({
      type: 'delta',
      changes: expect.arrayContaining([
        { kind: 'zone', id: 'coworking', value: { occupancy: 12, capacity: 50 } },
        { kind: 'door', id: 'coworking', value: expect.objectContaining({ state: 'open' }) },
      ]),
      events: [expect.objectContaining({ type: 'door', doorId: 'coworking', state: 'open' })],
    });
    expect(c.binary).toBe(0); // text frames: a browser gets strings to JSON.parse
  });

  it('coalesces many updates within one frame interval into one frame with the latest values', async () => {
    // A 1 s interval (100 ms by default), so that a stall of a loaded machine cannot spread the burst below over two windows.
    const { t: app, base, origin, hub: h } = await serve({ minIntervalMs: 1_000 });
    const c = await open(`${base}/api/live`, await manager(app, origin));
    await c.waitFrames(1);
    await sleep(120);
    h.setZoneOccupancy('hall', 1); // opens a window: the next frame may not leave before 1 s
    await c.waitFrames(2);
    const start = Date.now();
    for (let i = 1; i <= 30; i++) {
      h.setZoneOccupancy('coworking', i);
      h.setDesk('cw-hot-05', { online: true, occupied: i % 2 === 1 });
      if (i % 5 === 0) await new Promise(setImmediate); // spread over several turns of the event loop
    }
    expect(Date.now() - start).toBeLessThan(900); // all of it within the window
    await c.waitFrames(3); // the window's one frame
    await sleep(250); // and no other after it
    const deltas = c.frames.slice(2) as StaffDelta[];
    expect(deltas).toHaveLength(1);
    expect(deltas[0]?.changes).toHaveLength(2);
    expect(deltas[0]?.changes).toEqual(expect.arrayContaining([
      { kind: 'zone', id: 'coworking', value: { occupancy: 30, capacity: 50 } },
      { kind: 'desk', id: 'cw-hot-05', value: expect.objectContaining({ occupied: false, status: 'free' }) },
    ]));
  });

  it('serves the snapshot as JSON to staff only', async () => {
    const { t: app, hub: h } = await serve();
    h.setZoneOccupancy('lab', 3);
    const { user } = await app.createUser('manager');
    const { user: member } = await app.createUser('member');
    const res = await app.app.inject({ method: 'GET', url: '/api/live/snapshot', headers: app.asSession(user) });
    expect(res.statusCode).toBe(200);
    const body = res.json<StaffSnapshot>();
    expect(body.state.zones.lab).toEqual({ occupancy: 3, capacity: 14 });
    expect(body.state.desks['cw-hot-01']).toMatchObject({ zoneId: 'coworking', status: 'offline' });
    expect((await app.app.inject({ method: 'GET', url: '/api/live/snapshot', headers: app.asSession(member) })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'GET', url: '/api/live/snapshot' })).statusCode).toBe(401);
  });
});

describe('live stream: slow clients', () => {
  it('drops a client that never reads once it is over the bound, and keeps the one that reads', async () => {
    const { t: app, base, origin, hub: h } = await serve({ minIntervalMs: 20, lagBytes: 64 * 1024, maxLagMs: 300, closeGraceMs: 10_000 });
    const mgr = await manager(app, origin);
    const stalled = await open(`${base}/api/live`, mgr);
    const reader = await open(`${base}/api/live`, mgr);
    await stalled.waitFrames(1);
    stalled.ws.pause(); // reads nothing from now on: the kernel buffers fill, then the server's
    const ids = Array.from({ length: 2_000 }, (_, i) => `meter-with-a-rather-long-device-id-${String(i).padStart(5, '0')}`);
    let online = false;
    const deadline = Date.now() + 20_000;
    while (h.stats().dropped === 0 && Date.now() < deadline) {
      online = !online;
      for (const deviceId of ids) h.devicePresence({ deviceId, online, reason: 'test', at: Date.now() });
      await sleep(20);
    }
    expect(h.stats()).toMatchObject({ dropped: 1, staff: 2 }); // the stalled one is closing
    expect(reader.ws.readyState).toBe(reader.ws.OPEN);
    expect(reader.frames.length).toBeGreaterThan(5);
    stalled.ws.resume(); // it reads its backlog, then the close frame
    expect(await stalled.closed).toEqual({ code: 4008, reason: expect.stringMatching(/^too slow: /) });
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'live client dropped', code: 4008, audience: 'staff' }));
  });
});

describe('live stream: public', () => {
  it('carries aggregates only: no person, badge or name, whatever the hub is fed', async () => {
    const names: Record<number, string> = { 424242: 'Zoé Secrètement', 535353: 'Bartholomew Hidden' };
    const { t: app, base, origin, hub: h } = await serve({}, (id) => names[id] ?? 'Unknown Person');
    const pub = await open(`${base}/api/live/public`, {});
    const staff = await open(`${base}/api/live`, await manager(app, origin));
    await pub.waitFrames(1);
    await sleep(120);
    const at = Date.now();
    for (const personId of [424242, 535353]) {
      h.accessEvent({ type: 'decision', id: personId + 1, at, doorId: 'coworking', grant: true, reason: 'granted', personId, source: 'controller' });
      h.accessEvent({ type: 'passage', at, doorId: 'coworking', personId, fromZone: 'hall', toZone: 'coworking' });
      h.accessEvent({ type: 'alarm', id: personId, at, doorId: 'main-entrance', kind: 'anti_passback', detail: `person ${personId} badged twice` });
    }
    h.setZoneOccupancy('coworking', 2);
    h.setZoneOccupancy('room-baccarat', 1);
    h.setZoneOccupancy('office-3', 1);
    h.setDesk('cw-hot-01', { online: true, occupied: false });
    h.setDesk('cw-fixed-01', { online: true, occupied: true });
    await pub.waitFrames(2);
    await staff.waitFrames(2);
    await sleep(150);

    const frames = pub.frames as PublicMessage[];
    expect(frames[1]).toMatchObject({
      type: 'delta',
      changes: expect.arrayContaining([
        { kind: 'zone', id: 'coworking', value: expect.objectContaining({ occupancy: 2, desksFree: 1 }) },
        { kind: 'room', id: 'room-baccarat', value: { zoneId: 'room-baccarat', free: false } },
      ]),
    });
    const text = pub.raw.join('\n');
    for (const secret of ['424242', '535353', 'Zoé', 'Secrètement', 'Bartholomew', 'Hidden', 'Unknown Person', 'person', 'badge', 'uid', 'decision', 'alarm', 'office-3', 'fixed']) {
      expect(text).not.toContain(secret);
    }
    expect(frames.every((f) => f.type === 'snapshot' || !('events' in f) || f.events.length === 0)).toBe(true);
    // The staff stream, fed the same, does carry them: the test above is not vacuous.
    expect(staff.raw.join('\n')).toContain('Zoé Secrètement');
  });
});
