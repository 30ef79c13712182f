import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localParts } from '../../controller/access/local-time.js';
import { clockText } from '../../controller/bookings/rules.js';
import { ManualClock } from '../../firmware-sim/clock.js';
import { SimDeskSensor } from '../../firmware-sim/desk-sensor.js';
import type { SimDevice } from '../../firmware-sim/device.js';
import { SimNetMeter } from '../../firmware-sim/net-meter.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { SITE, startTestController, TEST_ADMIN_PASSWORD, type TestController } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';
import { freePort } from '../support/ports.js';

/** A bearer token for a user other than the admin. */
async function tokenOf(base: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ username, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const reply = await fetch(`${base}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify({ name: 'test' }),
  });
  return ((await reply.json()) as { token: string }).token;
}

const MAC = 'AA:BB:CC:00:00:01'; // Bob's laptop, as the meter names the port
const jan = (day: number, hhmm: string): number => Date.parse(`2026-01-${day}T${hhmm}:00+01:00`); // Paris wall clock in January

/**
 * The live building against the real controller, with simulated desk sensors, a network meter
 * and badge readers over real MQTT: desk states, network usage across a counter wrap, a meter
 * reboot and a controller restart, presence and the cut-off, corrections, and the utilisation report.
 */
describe('the live building', () => {
  let dir: string;
  let env: Record<string, string>;
  let ctl: TestController;
  const sims: SimDevice[] = [];
  const meterClock = new ManualClock(Date.now());
  let meter: SimNetMeter;
  let alice: number;
  let bob: number;
  const tokens: Record<string, string> = {};
  const as = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctl.system.httpUrl}${path}`, {
      method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any }; // any: tests read arbitrary replies
  };
  const sim = async <T extends SimDevice>(deviceId: string, make: (secret: string) => T): Promise<T> => {
    const device = make(await ctl.provision(deviceId));
    sims.push(device);
    await device.start();
    return device;
  };
  const deskSensor = (deviceId: string, battery = 100) => sim(deviceId, (secret) =>
    new SimDeskSensor({ brokerUrl: ctl.system.mqttUrl, site: SITE, deviceId, secret, debounceMs: 0, battery, heartbeatIntervalS: 3_600 }));
  const desk = async (deskId: string) => (await ctl.api('GET', '/api/desks')).json.find((d: { deskId: string }) => d.deskId === deskId);
  const usageOf = async (personId: number) => {
    const res = await ctl.api('GET', `/api/network-usage/people?from=0&to=${Date.now() + 7_200_000}`);
    return res.json.find((p: { personId: number }) => p.personId === personId) as { rxBytes: number; txBytes: number; name: string } | undefined;
  };
  const enter = async (reader: SimReader, uid: string) => {
    expect(await reader.presentBadge(uid)).toMatchObject({ source: 'controller', grant: true });
    await reader.openDoor();
    await reader.closeDoor();
  };
  const presence = async () => (await ctl.api('GET', '/api/presence')).json;
  const present = async (personId: number) => (await presence()).people.find((p: { personId: number }) => p.personId === personId);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-live-'));
    // The nightly cut-off (node-cron, real time, 03:00 Paris by default) is put ~12 h away, so that it cannot check
    // out the people of these tests if the file runs across it: the tests call the cut-off themselves.
    const PRESENCE_CUTOFF = clockText(Date.now() + 12 * 3_600_000, 'Europe/Paris');
    env = { DATA_DIR: dir, MQTT_PORT: String(await freePort()), PRESENCE_CUTOFF }; // for the restart too
    ctl = await startTestController(env);
    const { people, rules } = ctl.system.access;
    const always = rules.createSchedule({ name: 'Test always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true }, 'test');
    const group = rules.createGroup({ name: 'Test members', grants: [{ zoneId: 'hall', scheduleId: always }, { zoneId: 'coworking', scheduleId: always }] }, 'test');
    for (const [username, name] of [['alice', 'Alice Martin'], ['nadia', 'Nadia Brun']] as const) {
      const res = await ctl.api('POST', '/api/users', { username, displayName: name, role: 'member', password: `${username}-password-123` });
      tokens[username] = await tokenOf(ctl.system.httpUrl, username, `${username}-password-123`);
      if (username === 'alice') alice = people.createPerson({ kind: 'member', name, userId: res.json.id }, 'test');
    }
    tokens.admin = await tokenOf(ctl.system.httpUrl, 'admin', TEST_ADMIN_PASSWORD);
    bob = people.createPerson({ kind: 'resident', name: 'Bob Leroy' }, 'test');
    people.addCredential(alice, { uid: '04A11CE001' }, 'test');
    people.addCredential(bob, { uid: '04B0B00002' }, 'test');
    for (const personId of [alice, bob]) rules.addMembership({ personId, groupId: group }, 'test');
  });
  afterAll(async () => {
    for (const s of sims) await s.stop().catch(() => undefined);
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows desks free, occupied or offline, with their battery, low below 20 %', async () => {
    const sensor = await deskSensor('desk-cw-hot-01', 15);
    expect(await sensor.setOccupied(true)).toBe(true);
    expect(await eventually(async () => (await desk('cw-hot-01'))?.status === 'occupied' && desk('cw-hot-01'), 'desk occupied'))
      .toMatchObject({ zoneId: 'coworking', kind: 'hot', occupied: true, battery: 15, lowBattery: true });
    expect(await desk('cw-fixed-01')).toMatchObject({ kind: 'fixed', status: 'offline', battery: null, lowBattery: false });
    sensor.setBattery(20);
    await sensor.heartbeat();
    await eventually(async () => (await desk('cw-hot-01'))?.battery === 20, 'battery from the heartbeat');
    expect(await desk('cw-hot-01')).toMatchObject({ lowBattery: false, status: 'occupied' });
    await sensor.stop();
    await eventually(async () => (await desk('cw-hot-01'))?.status === 'offline', 'desk offline');
    expect((await as('alice', 'GET', '/api/desks')).status).toBe(403);
  });

  it('registers devices and counts their bytes across a 32-bit wrap and a meter reboot', async () => {
    expect((await ctl.api('POST', '/api/network-devices', { mac: MAC, personId: bob, label: "Bob's laptop" })))
      .toMatchObject({ status: 201, json: { mac: MAC.toLowerCase(), personId: bob, personName: 'Bob Leroy' } });
    expect((await ctl.api('POST', '/api/network-devices', { mac: MAC.toLowerCase(), personId: alice, label: 'again' })).status).toBe(409);
    expect((await ctl.api('POST', '/api/network-devices', { mac: 'aa-bb-cc-00-00-02', personId: bob, label: 'x' })).status).toBe(400);
    expect((await ctl.api('GET', `/api/network-devices?personId=${bob}`)).json.map((d: { mac: string }) => d.mac)).toEqual([MAC.toLowerCase()]);

    meter = await sim('net-second', (secret) => new SimNetMeter({
      brokerUrl: ctl.system.mqttUrl, site: SITE, deviceId: 'net-second', secret, ports: [MAC, 'ge-0-1'], width: 32,
      reportIntervalS: 0, heartbeatIntervalS: 3_600, clock: meterClock, reconnect: { baseMs: 500, maxMs: 2_000 },
    }));
    meter.addTraffic(MAC, 5_000, 1_000);
    meter.addTraffic('ge-0-1', 100, 100);
    await meter.report(); // the first reading of a port is its baseline: nothing counted
    meter.addTraffic(MAC, 4_294_960_000, 2_000);
    meter.addTraffic('ge-0-1', 900, 50);
    await meter.report(); // +4,294,960,000 rx, +2,000 tx; office-1 +900, +50
    meter.addTraffic(MAC, 10_000, 500);
    expect(meter.portCounters(MAC).rx).toBe(7_704n); // 4,294,975,000 mod 2^32
    await meter.report(); // the wrap: +10,000 rx, +500 tx
    await meter.reboot();
    meter.addTraffic(MAC, 3_000, 300);
    await meter.report(); // counters from 0 on the new boot: +3,000 rx, +300 tx
    await eventually(async () => (await usageOf(bob))?.txBytes === 2_800, 'usage counted');
    expect(await usageOf(bob)).toEqual({ personId: bob, name: 'Bob Leroy', rxBytes: 4_294_973_000, txBytes: 2_800, totalBytes: 4_294_975_800 });
    const office = (await ctl.api('GET', '/api/network-usage?subjectType=zone&subjectId=office-1')).json as Array<{ rxBytes: number; txBytes: number; subjectName: string }>;
    expect([office.reduce((n, r) => n + r.rxBytes, 0), office.reduce((n, r) => n + r.txBytes, 0), office[0]?.subjectName]).toEqual([900, 50, 'Private office 1']);
  });

  it('keeps present at the cut-off those with signs of life, and checks out the others at their last signal', async () => {
    const mainOut = await sim('rdr-main-out', (secret) => new SimReader({ brokerUrl: ctl.system.mqttUrl, site: SITE, deviceId: 'rdr-main-out', secret, heartbeatIntervalS: 3_600 }));
    await enter(mainOut, '04A11CE001');
    await enter(mainOut, '04B0B00002');
    await eventually(async () => (await present(bob)) !== undefined, 'Bob in');
    expect(await present(alice)).toMatchObject({ name: 'Alice Martin', kind: 'member', zoneId: 'hall' });
    const hallBefore = (await presence()).zones.find((z: { zoneId: string }) => z.zoneId === 'hall');
    expect(hallBefore).toMatchObject({ occupancy: 2, capacity: 60 });

    const sensor = await deskSensor('desk-cw-hot-02');
    await sensor.setOccupied(true);
    await eventually(async () => (await desk('cw-hot-02'))?.status === 'occupied', 'desk 2 occupied');
    expect(await as('alice', 'POST', '/api/desks/cw-hot-02/checkin')).toMatchObject({ status: 201, json: { deskId: 'cw-hot-02', personId: alice } });
    expect((await as('nadia', 'POST', '/api/desks/cw-hot-02/checkin')).json.message).toMatch(/linked to no person/);
    expect((await as('nadia', 'POST', '/api/desks/cw-hot-02/checkin')).status).toBe(409);
    expect((await as('alice', 'POST', '/api/desks/cw-hot-03/checkin', { personId: bob })).status).toBe(403);
    expect((await ctl.api('POST', '/api/desks/cw-hot-03/checkin', { personId: bob })).json).toMatchObject({ personId: bob, desk: { status: 'offline' } });
    expect((await ctl.api('POST', '/api/desks/no-such-desk/checkin', { personId: bob })).status).toBe(404);

    // Alice's desk is occupied, Bob's laptop moved bytes minutes ago: both stay.
    expect((await as('alice', 'POST', '/api/presence/cutoff')).status).toBe(403);
    expect((await ctl.api('POST', '/api/presence/cutoff')).json).toMatchObject({ checkedOut: [], stillPresent: 2 });
    const seatedSignal = (await present(alice)).lastSignalAt as number;
    await sensor.setOccupied(false);
    await eventually(async () => (await desk('cw-hot-02'))?.status === 'free', 'desk 2 free');
    // Getting up from her desk is her last sign of life: she is checked out then, not at the cut-off.
    const lastSignal = await eventually(async () => {
      const at = (await present(alice)).lastSignalAt as number;
      return at > seatedSignal ? at : undefined;
    }, 'her last signal when she left the desk');
    const cut = (await ctl.api('POST', '/api/presence/cutoff')).json;
    expect(cut).toMatchObject({ checkedOut: [{ personId: alice, name: 'Alice Martin', endedAt: lastSignal }], stillPresent: 1 });
    expect(await present(alice)).toBeUndefined();
    expect((await presence()).zones.find((z: { zoneId: string }) => z.zoneId === 'hall').occupancy).toBe(1);
    const [session] = (await ctl.api('GET', `/api/presence/sessions?personId=${alice}`)).json;
    expect(session).toMatchObject({ id: cut.checkedOut[0].sessionId, endedAt: lastSignal, endReason: 'cutoff', corrections: 0 });
  });

  it('records a correction with who and why, and refuses one without a reason or reopening beside an open session', async () => {
    const [session] = (await ctl.api('GET', `/api/presence/sessions?personId=${alice}`)).json;
    const endedAt = Date.now(); // she stayed until now, in fact
    expect((await ctl.api('PATCH', `/api/presence/sessions/${session.id}`, { endedAt })).status).toBe(400);
    expect((await ctl.api('PATCH', `/api/presence/sessions/${session.id}`, { endedAt, why: ' ok ' })).status).toBe(400);
    const why = 'Left with the last visitors, reception saw her go';
    expect((await ctl.api('PATCH', `/api/presence/sessions/${session.id}`, { endedAt, why })).json)
      .toMatchObject({ id: session.id, endedAt, endReason: 'manual', corrections: 1 });
    const [row] = ctl.query<{ by: string; why: string; before: string; after: string }>('SELECT * FROM presence_corrections WHERE session_id = ?', session.id);
    expect(row).toMatchObject({ by: 'admin', why });
    expect([JSON.parse(row?.before ?? '{}').endedAt, JSON.parse(row?.after ?? '{}').endedAt]).toEqual([session.endedAt, endedAt]);
    expect(ctl.query("SELECT actor, subject FROM audit_log WHERE action = 'presence.correct'")).toEqual([{ actor: 'admin', subject: `presence_session:${session.id}` }]);
    // Alice is back: her old session cannot be reopened beside the new one.
    await enter(sims.find((s) => s.deviceId === 'rdr-main-out') as SimReader, '04A11CE001');
    await eventually(async () => (await present(alice)) !== undefined, 'Alice back');
    expect((await ctl.api('PATCH', `/api/presence/sessions/${session.id}`, { endedAt: null, why: 'test' })).status).toBe(409);
  });

  it('after a restart on the same data, counts the reports stored before it once and keeps who is present', async () => {
    const presentBefore = (await presence()).people.map((p: { personId: number }) => p.personId).sort();
    for (const s of sims.filter((d) => d !== meter)) await s.stop();
    await ctl.stop();
    await eventually(() => !meter.online, 'meter sees the controller gone');
    // The controller stored this report, then died before counting it or acknowledging it (acknowledge after
    // commit): the meter holds it and sends it again, under the same boot and sequence number.
    meter.addTraffic(MAC, 1_234, 56);
    const counters = meter.ports.map((port) => ({ port, rxBytes: String(meter.portCounters(port).rx), txBytes: String(meter.portCounters(port).tx), width: 32 }));
    const stored = { v: 1, deviceId: 'net-second', bootId: meter.bootId, seq: meter.nextSeq, ts: meterClock.now(), uptimeS: meter.uptimeS, counters };
    const db = new Database(ctl.dbFile);
    db.prepare("INSERT INTO events (device_id, boot_id, seq, kind, device_ts, received_at, payload) VALUES ('net-second', ?, ?, 'net', ?, ?, ?)")
      .run(stored.bootId, stored.seq, stored.ts, Date.now(), JSON.stringify(stored));
    db.close();
    const resent = meter.report();

    ctl = await startTestController(env);
    await eventually(async () => {
      meterClock.advance(1_000); // the meter's reconnection backoff runs on its clock
      await new Promise((r) => setTimeout(r, 20));
      return meter.online;
    }, 'meter back', 15_000);
    expect(await resent).toMatchObject({ seq: stored.seq });
    expect(await usageOf(bob)).toMatchObject({ rxBytes: 4_294_974_234, txBytes: 2_856 });
    meter.addTraffic(MAC, 766, 44);
    await meter.report();
    await eventually(async () => (await usageOf(bob))?.txBytes === 2_900, 'the next report counted');
    expect(await usageOf(bob)).toMatchObject({ rxBytes: 4_294_975_000, txBytes: 2_900 });
    expect(ctl.query('SELECT count(*) AS n FROM events WHERE boot_id = ? AND seq = ?', stored.bootId, stored.seq)).toEqual([{ n: 1 }]);
    expect((await presence()).people.map((p: { personId: number }) => p.personId).sort()).toEqual(presentBefore);
  }, 60_000);

  it('reports utilisation by zone, weekday and hour, peaks and desks, as JSON and CSV', async () => {
    // A Monday in January, as the controller would have recorded it (written straight into the database).
    const db = new Database(ctl.dbFile);
    const passage = db.prepare("INSERT INTO passages (decision_id, door_id, person_id, from_zone, to_zone, at) VALUES (0, 'x', ?, '', ?, ?)");
    for (const [p, zone, at] of [[9001, 'hall', '09:10'], [9001, 'coworking', '09:15'], [9001, 'room-baccarat', '12:00'], [9001, 'coworking', '12:15'],
      [9001, 'hall', '12:18'], [9001, 'outside', '12:20'], [9002, 'hall', '09:30'], [9002, 'coworking', '09:40']] as const) passage.run(p, zone, jan(12, at));
    const session = db.prepare('INSERT INTO presence_sessions (person_id, started_at, ended_at, end_reason, last_signal_at) VALUES (?, ?, ?, ?, ?)');
    session.run(9001, jan(12, '09:10'), jan(12, '12:20'), 'exit', jan(12, '12:20'));
    session.run(9002, jan(12, '09:30'), jan(12, '10:45'), 'cutoff', jan(12, '10:45')); // never badged out: cut at the last signal
    db.prepare("INSERT INTO desk_occupancy (desk_id, started_at, ended_at) VALUES ('cw-hot-05', ?, ?)").run(jan(12, '07:00'), jan(12, '11:00'));
    db.close();

    const period = `from=${jan(12, '00:00')}&to=${jan(19, '00:00')}`;
    const { json } = await ctl.api('GET', `/api/reports/utilisation?${period}`);
    const zone = (id: string) => json.zones.find((z: { zoneId: string }) => z.zoneId === id);
    expect(zone('coworking').heatmap[0].slice(8, 14)).toEqual([0, 2, 2, 1, 1, 0]); // Monday, 08:00–13:00
    expect(zone('hall').heatmap[0].slice(9, 13)).toEqual([2, 0, 0, 1]);
    expect(zone('coworking').peak).toEqual({ people: 2, at: jan(12, '09:40'), atLocal: '2026-01-12T09:40:00+01:00' });
    expect(json.desks.find((d: { deskId: string }) => d.deskId === 'cw-hot-05')).toMatchObject({ occupiedMs: 4 * 3_600_000, openMs: 74 * 3_600_000, utilisation: 0.0541 });

    const res = await fetch(`${ctl.system.httpUrl}/api/reports/utilisation?${period}&format=csv`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="utilisation-2026-01-12-2026-01-18.csv"');
    const [header, ...lines] = (await res.text()).trimEnd().split('\r\n').map((l) => l.split(','));
    const rows = lines.map((cells) => Object.fromEntries((header ?? []).map((h, i) => [h, cells[i] ?? ''])));
    expect(rows).toHaveLength(json.zones.length * (7 * 24 + 1) + json.desks.length);
    const find = (match: Record<string, string>) => rows.find((r) => Object.entries(match).every(([k, v]) => r[k] === v));
    expect(find({ section: 'heatmap', zone: 'coworking', weekday: 'mon', hour: '9' })).toMatchObject({ average_occupancy: '2', hours_in_period: '1', capacity: '50' });
    expect(find({ section: 'heatmap', zone: 'room-baccarat', weekday: 'mon', hour: '12' })).toMatchObject({ average_occupancy: '1' });
    expect(find({ section: 'peak', zone: 'hall' })).toMatchObject({ peak_occupancy: '1', peak_at: '2026-01-12T09:10:00+01:00' });
    expect(find({ section: 'desk', desk: 'cw-hot-05' })).toMatchObject({ occupied_hours: '4', opening_hours: '74', utilisation: '0.0541', desk_kind: 'hot' });

    // Today: Alice and Bob were both in the hall from Bob's entry on.
    const [bobIn] = (await ctl.api('GET', `/api/passages?personId=${bob}&limit=1`)).json;
    const today = (await ctl.api('GET', `/api/reports/utilisation?from=${bobIn.at - 3_600_000}&to=${Date.now() + 3_600_000}`)).json;
    const hall = today.zones.find((z: { zoneId: string }) => z.zoneId === 'hall');
    const local = localParts(bobIn.at, 'Europe/Paris');
    expect(hall.peak).toMatchObject({ people: 2, at: bobIn.at });
    expect(hall.heatmap[['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(local.weekday)][Math.floor(local.minutes / 60)]).toBe(2);
    expect((await ctl.api('GET', `/api/reports/utilisation?from=${jan(19, '00:00')}&to=${jan(12, '00:00')}`)).status).toBe(400);
  });
});
