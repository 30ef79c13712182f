import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/clock.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { startTestController, type TestController } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';
import { freePort } from '../support/ports.js';

/**
 * A real reader (firmware-sim) and the real controller: the controller goes away for an hour of
 * the reader's clock, the reader decides from its allow-list, and its decisions come back once.
 */
describe('readers keep working alone through a controller outage', () => {
  let dir: string;
  let env: Record<string, string>;
  let ctl: TestController | undefined;
  let reader: SimReader;
  let secret: string;
  const clock = new ManualClock(Date.now());
  let camille: number;
  let dominique: number;

  const setup = (c: TestController) => {
    const { people, rules } = c.system.access;
    const always = rules.createSchedule({ name: 'Test always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true }, 'test');
    const group = rules.createGroup({ name: 'Test coworkers', grants: [{ zoneId: 'hall', scheduleId: always }, { zoneId: 'coworking', scheduleId: always }] }, 'test');
    camille = people.createPerson({ kind: 'member', name: 'Camille' }, 'test');
    dominique = people.createPerson({ kind: 'member', name: 'Dominique' }, 'test');
    people.addCredential(camille, { uid: '04CA0001' }, 'test');
    people.addCredential(dominique, { uid: '04D00002' }, 'test');
    rules.addMembership({ personId: camille, groupId: group }, 'test');
    rules.addMembership({ personId: dominique, groupId: group }, 'test');
  };

  /** Advances the reader's clock in steps until it is connected again (its backoff runs on that clock). */
  const reconnect = async () => {
    await eventually(async () => {
      clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 20));
      return reader.online;
    }, 'reader reconnected', 15_000);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-outage-'));
    env = { DATA_DIR: dir, MQTT_PORT: String(await freePort()) };
    ctl = await startTestController(env);
    setup(ctl);
    secret = await ctl.provision('rdr-coworking');
    reader = new SimReader({
      brokerUrl: ctl.system.mqttUrl, site: 'menil-flin', deviceId: 'rdr-coworking', secret, clock,
      heartbeatIntervalS: 3_600, reconnect: { baseMs: 500, maxMs: 2_000 }, failMode: 'fail-secure',
    });
    await reader.start();
    await eventually(() => reader.allowlist?.entries.has('04CA0001'), 'the reader holds its list');
  });
  afterAll(async () => {
    await reader?.stop().catch(() => undefined);
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decides online through the controller first', async () => {
    const decision = await reader.presentBadge('04CA0001');
    expect(decision).toMatchObject({ source: 'controller', grant: true, reason: 'granted' });
  });

  it('decides alone for an hour without the controller, then delivers each decision exactly once', async () => {
    await (ctl as TestController).stop();
    ctl = undefined;
    await eventually(() => !reader.online, 'reader sees the link down');
    const decisions = [];
    let elapsed = 0; // on the reader's clock, since the outage began
    for (const [minutes, uid] of [[5, '04CA0001'], [20, '04FFFFFF'], [40, '04D00002'], [59, '04CA0001']] as const) {
      clock.advance(minutes * 60_000 - elapsed);
      elapsed = minutes * 60_000;
      const decision = await reader.presentBadge(uid);
      decisions.push(decision);
      if (decision.grant) {
        // buffered after the decision (their PUBACKs come only after the reconnection), uploaded after it
        void reader.openDoor().catch(() => undefined);
        void reader.closeDoor().catch(() => undefined);
      }
    }
    clock.advance(60 * 60_000 - elapsed); // the controller comes back an hour later
    expect(decisions.map((d) => [d.source, d.grant, d.reason])).toEqual([
      ['offline', true, 'granted'], ['offline', false, 'unknown_credential'], ['offline', true, 'granted'], ['offline', true, 'granted'],
    ]);
    const offlineSeqs = decisions.map((d) => d.badge.seq);

    ctl = await startTestController(env);
    const back = ctl;
    await reconnect();
    await eventually(() => back.query("SELECT 1 FROM access_decisions WHERE source = 'offline'").length === 4, 'the 4 offline decisions stored');
    // Nothing more arrives later: once each.
    await new Promise((r) => setTimeout(r, 300));
    const rows = back.query<{ uid: string; grant: number; reason: string; at: number }>(
      "SELECT uid, \"grant\", reason, at FROM access_decisions WHERE source = 'offline' ORDER BY at");
    expect(rows.map((r) => [r.uid, r.grant, r.reason])).toEqual([
      ['04CA0001', 1, 'granted'], ['04FFFFFF', 0, 'unknown_credential'], ['04D00002', 1, 'granted'], ['04CA0001', 1, 'granted'],
    ]);
    expect(rows.map((r) => r.at)).toEqual(decisions.map((d) => d.badge.ts));
    expect(back.query('SELECT count(*) AS n FROM events WHERE device_id = ? AND seq IN (' + offlineSeqs.join(',') + ')', 'rdr-coworking'))
      .toEqual([{ n: 4 }]);
    // Reconciled: the offline grants count as passages into the coworking, once each, and the
    // openings uploaded after them raise no forced alarm.
    await eventually(() => back.query("SELECT 1 FROM events WHERE device_id = 'rdr-coworking' AND kind = 'door'").length >= 6, 'door events uploaded');
    await new Promise((r) => setTimeout(r, 200));
    expect(back.query<{ n: number }>("SELECT count(*) AS n FROM passages WHERE to_zone = 'coworking'")[0]?.n).toBe(3);
    expect(back.query("SELECT kind FROM alarms WHERE door_id = 'coworking'")).toEqual([]);
  }, 60_000);

  it('denies a badge revoked while the reader was away, from the next sync on', async () => {
    const c = ctl as TestController;
    await reader.stop();
    const credential = c.query<{ id: number }>("SELECT id FROM credentials WHERE uid = '04D00002'")[0] as { id: number };
    c.system.access.people.setCredentialStatus(credential.id, 'stolen', 'test');
    // A new boot, its clock set again from the network (the test's clock had jumped an hour ahead):
    // its birth brings the whole list.
    reader = new SimReader({ brokerUrl: c.system.mqttUrl, site: 'menil-flin', deviceId: 'rdr-coworking', secret, heartbeatIntervalS: 3_600, failMode: 'fail-secure' });
    await reader.start();
    await eventually(() => reader.allowlist !== null && !reader.allowlist.entries.has('04D00002') && reader.allowlist.entries.has('04CA0001'),
      'the full list without the stolen badge');
    expect(await reader.presentBadge('04D00002')).toMatchObject({ source: 'controller', grant: false, reason: 'blocked' });
    // And alone too.
    await c.stop();
    ctl = undefined;
    await eventually(() => !reader.online, 'link down');
    expect(await reader.presentBadge('04D00002')).toMatchObject({ source: 'offline', grant: false, reason: 'unknown_credential' });
  }, 60_000);
});
