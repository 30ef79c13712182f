import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceDownlinkFilter, parseDownlink, type AllowlistDownlink, type AccessDownlink } from '../../gateway/protocol/index.js';
import { startTestController, type TestController } from '../support/controller.js';
import { connectDevice, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';

/** A reader as a bare MQTT client that records every command it receives. */
async function reader(ctl: TestController, id: string, secret: string) {
  const client = await connectDevice(ctl.system.mqttUrl, id, secret);
  const commands: Array<{ kind: string; body: unknown; at: number }> = [];
  client.on('message', (topic, payload) => commands.push({ kind: topic.split('/').at(-1) as string, body: JSON.parse(payload.toString()), at: Date.now() }));
  await client.subscribeAsync(deviceDownlinkFilter(SITE_ID, id), { qos: 1 });
  return { client, commands, bootId: newBootId(), seq: 0 };
}

describe('access control over MQTT', () => {
  let ctl: TestController;
  let dir: string;
  let coworking: Awaited<ReturnType<typeof reader>>;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    // The building with a 1 s held-open limit on the coworking door, so the test need not wait 30 s.
    dir = mkdtempSync(join(tmpdir(), 'mf-acc-'));
    const building = JSON.parse(readFileSync(new URL('../../controller/building/menil-flin.json', import.meta.url), 'utf8')) as {
      doors: Array<{ id: string; heldOpenLimitS: number }>;
    };
    (building.doors.find((d) => d.id === 'coworking') as { heldOpenLimitS: number }).heldOpenLimitS = 1;
    writeFileSync(join(dir, 'building.json'), JSON.stringify(building));
    ctl = await startTestController({ BUILDING_FILE: join(dir, 'building.json') });
    const { people, rules } = ctl.system.access;
    const always = rules.createSchedule({ name: 'Test always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true }, 'test');
    const group = rules.createGroup({ name: 'Test coworkers', grants: [{ zoneId: 'hall', scheduleId: always }, { zoneId: 'coworking', scheduleId: always }] }, 'test');
    const camille = people.createPerson({ kind: 'member', name: 'Camille Durand' }, 'test');
    people.addCredential(camille, { uid: '04A1B2C3D4' }, 'test');
    rules.addMembership({ personId: camille, groupId: group }, 'test');
    coworking = await reader(ctl, 'rdr-coworking', await ctl.provision('rdr-coworking'));
    clients.push(coworking.client);
    // Birth: the reader is online and gets its full allow-list.
    await coworking.client.publishAsync(`mf/v1/${SITE_ID}/rdr-coworking/status`,
      JSON.stringify({ v: 1, deviceId: 'rdr-coworking', bootId: coworking.bootId, state: 'online', ts: Date.now() }), { qos: 1, retain: true });
    await eventually(() => coworking.commands.some((c) => c.kind === 'allowlist'), 'full allow-list after birth');
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const present = async (r: typeof coworking, id: string, uid: string): Promise<AccessDownlink> => {
    const seq = r.seq++;
    const before = r.commands.length;
    await publishUplink(r.client, id, 'badge', uplink('badge', id, r.bootId, seq, { uid }));
    const cmd = await eventually(() => r.commands.slice(before).find((c) => c.kind === 'access' && (c.body as AccessDownlink).inReplyTo.seq === seq), 'access answer');
    const parsed = parseDownlink('access', JSON.stringify(cmd.body));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  };
  const door = (state: string) => publishUplink(coworking.client, 'rdr-coworking', 'door', uplink('door', 'rdr-coworking', coworking.bootId, coworking.seq++, { state }));

  it('raises a forced alarm for an opening without a grant, and a held alarm past the door\'s limit (before any grant is pending)', async () => {
    const alarms = () => ctl.query<{ kind: string; detail: string }>("SELECT kind, detail FROM alarms WHERE door_id = 'coworking' ORDER BY id");
    await door('open');
    await eventually(() => alarms().some((a) => a.kind === 'forced'), 'forced alarm');
    await eventually(() => alarms().some((a) => a.kind === 'held'), 'held alarm after 1 s', 4_000);
    await door('closed');
    expect(alarms().filter((a) => a.kind === 'forced')).toHaveLength(1);
  });

  it('answers a badge with a grant that carries its request, an expiry and a nonce, and logs it with both times', async () => {
    const answer = await present(coworking, 'rdr-coworking', '04A1B2C3D4');
    expect(answer).toMatchObject({ grant: true, reason: 'granted', unlockMs: 5000, inReplyTo: { bootId: coworking.bootId } });
    expect(answer.expiresAt).toBeGreaterThan(answer.issuedAt);
    await eventually(() => ctl.query("SELECT 1 FROM access_decisions WHERE uid = '04A1B2C3D4'").length === 1, 'decision logged');
    const [row] = ctl.query<{ grant: number; reason: string; door_id: string; person_id: number; at: number; device_ts: number; source: string }>(
      "SELECT * FROM access_decisions WHERE uid = '04A1B2C3D4'");
    expect(row).toMatchObject({ grant: 1, reason: 'granted', door_id: 'coworking', source: 'controller' });
    expect(row?.person_id).toBeGreaterThan(0);
    expect(row?.device_ts).toBeGreaterThan(0);
  });

  it('denies an unknown badge with its reason', async () => {
    expect(await present(coworking, 'rdr-coworking', '04FFFFFFFF')).toMatchObject({ grant: false, reason: 'unknown_credential', unlockMs: 0 });
  });

  it('counts a grant as a passage only once the door contact says it opened', async () => {
    await door('closed');
    await present(coworking, 'rdr-coworking', '04A1B2C3D4');
    await new Promise((r) => setTimeout(r, 100));
    const passages = () => ctl.query<{ to_zone: string }>("SELECT to_zone FROM passages WHERE door_id = 'coworking'");
    const before = passages().length;
    await door('open');
    await eventually(() => passages().length === before + 1, 'passage recorded');
    expect(passages().at(-1)?.to_zone).toBe('coworking');
    expect(ctl.system.access.state.occupancy('coworking')).toBeGreaterThanOrEqual(1);
    await door('closed');
  });

  it('commands every door in an emergency: evacuation unlocks, its end restores normal operation', async () => {
    const before = coworking.commands.length;
    await ctl.system.access.emergency.set('evacuation', 'fire alarm in the event hall', 'test');
    const unlock = await eventually(() => coworking.commands.slice(before).find((c) => c.kind === 'door_cmd'), 'evacuation door command');
    expect(unlock.body).toMatchObject({ action: 'unlock' });
    expect(await present(coworking, 'rdr-coworking', '04A1B2C3D4')).toMatchObject({ grant: false, reason: 'evacuation' });
    const mid = coworking.commands.length;
    await ctl.system.access.emergency.end('test');
    const normal = await eventually(() => coworking.commands.slice(mid).find((c) => c.kind === 'door_cmd'), 'end-of-emergency door command');
    expect(normal.body).toMatchObject({ action: 'normal' });
    expect(await present(coworking, 'rdr-coworking', '04A1B2C3D4')).toMatchObject({ grant: true });
    expect(ctl.query<{ mode: string; set_by: string; ended_by: string }>('SELECT mode, set_by, ended_by FROM emergencies'))
      .toEqual([{ mode: 'evacuation', set_by: 'test', ended_by: 'test' }]);
  });

  it('removes a revoked badge from the online reader within 1 s, and denies it at once', async () => {
    const credential = ctl.query<{ id: number }>("SELECT id FROM credentials WHERE uid = '04A1B2C3D4'")[0] as { id: number };
    const before = coworking.commands.length;
    const revokedAt = Date.now();
    ctl.system.access.people.setCredentialStatus(credential.id, 'lost', 'test');
    const delta = await eventually(() => coworking.commands.slice(before).find((c) => c.kind === 'allowlist'), 'delta after revocation', 1_000);
    const body = delta.body as AllowlistDownlink;
    expect(body.mode).toBe('delta');
    expect(body.remove).toContain('04A1B2C3D4');
    expect(delta.at - revokedAt).toBeLessThan(1_000);
    expect(await present(coworking, 'rdr-coworking', '04A1B2C3D4')).toMatchObject({ grant: false, reason: 'blocked' });
  });
});
