import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downlinkTopic, statusTopic, uplinkTopic } from '../../gateway/protocol/index.js';
import { startTestController, type TestController } from '../support/controller.js';
import {
  closed, connectDevice, connectionRefused, eventually, newBootId, publishUplink, SITE_ID, uplink,
} from '../support/mqtt-device.js';

describe('embedded broker security', () => {
  let ctl: TestController;
  let url: string;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    ctl = await startTestController();
    url = ctl.system.mqttUrl;
    for (const id of ['rdr-lab', 'rdr-museum', 'desk-cw-hot-01', 'desk-cw-hot-02', 'desk-cw-hot-03']) secrets[id] = await ctl.provision(id);
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  const count = (deviceId: string) => ctl.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE device_id = ?', deviceId)[0]?.n ?? 0;

  it('refuses anonymous clients', async () => {
    expect(await connectionRefused(url, { clientId: 'rdr-lab' })).toMatch(/Bad username or password|Not authorized/i);
  });

  it('refuses a wrong secret and an unprovisioned device', async () => {
    expect(await connectionRefused(url, { clientId: 'rdr-lab', username: 'rdr-lab', password: 'wrong' })).not.toBe('accepted');
    expect(await connectionRefused(url, { clientId: 'rdr-training', username: 'rdr-training', password: 'anything' })).not.toBe('accepted');
  });

  it("refuses another device's credentials under this device's client id (no session takeover)", async () => {
    const victim = await connectDevice(url, 'rdr-museum', secrets['rdr-museum'] as string);
    const attempt = await connectionRefused(url, { clientId: 'rdr-museum', username: 'rdr-lab', password: secrets['rdr-lab'] as string });
    expect(attempt).toMatch(/Identifier rejected/i);
    expect(victim.connected).toBe(true);
    await victim.endAsync();
  });

  it('refuses a keepalive outside 10–300 s and a will on a foreign topic', async () => {
    const creds = { clientId: 'rdr-lab', username: 'rdr-lab', password: secrets['rdr-lab'] as string };
    expect(await connectionRefused(url, { ...creds, keepalive: 0 })).not.toBe('accepted');
    expect(await connectionRefused(url, { ...creds, keepalive: 3600 })).not.toBe('accepted');
    expect(await connectionRefused(url, { ...creds, will: { topic: statusTopic(SITE_ID, 'rdr-museum'), payload: Buffer.from('x'), qos: 1, retain: true } }))
      .not.toBe('accepted');
  });

  describe('device × topic matrix', () => {
    const me = 'desk-cw-hot-01';
    const other = 'desk-cw-hot-02';
    const cases: Array<{ name: string; topic: string; retain?: boolean; allowed: boolean }> = [
      { name: 'own uplink', topic: uplinkTopic(SITE_ID, me, 'desk'), allowed: true },
      { name: 'own status (retained)', topic: statusTopic(SITE_ID, me), retain: true, allowed: true },
      { name: "another device's uplink", topic: uplinkTopic(SITE_ID, other, 'desk'), allowed: false },
      { name: "another device's status", topic: statusTopic(SITE_ID, other), allowed: false },
      { name: 'a downlink (commands come from the controller only)', topic: downlinkTopic(SITE_ID, me, 'door_cmd'), allowed: false },
      { name: 'another site', topic: `mf/v1/other-site/${me}/up/desk`, allowed: false },
      { name: 'outside the tree', topic: 'anything/else', allowed: false },
      { name: '$SYS', topic: '$SYS/broker/x', allowed: false },
      { name: 'own uplink retained', topic: uplinkTopic(SITE_ID, me, 'desk'), retain: true, allowed: false },
    ];
    let seq = 0;
    const bootId = newBootId();
    for (const c of cases) {
      it(`${c.allowed ? 'allows' : 'refuses'} publishing on ${c.name}`, async () => {
        const client = await connectDevice(url, me, secrets[me] as string);
        const before = count(me) + count(other);
        const payload = c.topic.includes('/status')
          ? JSON.stringify({ v: 1, deviceId: me, bootId, state: 'online', ts: Date.now() })
          : uplink('desk', c.topic.includes(other) ? other : me, bootId, seq++);
        const wasClosed = closed(client, 1_500);
        void client.publishAsync(c.topic, payload, { qos: 1, retain: c.retain ?? false }).catch(() => undefined);
        if (c.allowed) {
          expect(await wasClosed).toBe(false);
          await client.endAsync();
        } else {
          expect(await wasClosed).toBe(true);
          client.end(true);
          expect(count(me) + count(other)).toBe(before);
        }
      });
    }

    it('grants a device its own downlink branch only', async () => {
      const client = await connectDevice(url, me, secrets[me] as string);
      const own = await client.subscribeAsync(`mf/v1/${SITE_ID}/${me}/down/+`, { qos: 1 });
      expect(own[0]?.qos).toBe(1);
      // A SUBACK of 0x80 for the filter [MQTT-3.9.3]; mqtt.js turns it into a rejection.
      await expect(client.subscribeAsync(`mf/v1/${SITE_ID}/${other}/down/+`, { qos: 1 })).rejects.toThrow(/Subscribe error/);
      await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      await client.endAsync();
    });
  });

  it('drops a connection that announces an oversize packet before buffering it', async () => {
    const client = await connectDevice(url, 'desk-cw-hot-03', secrets['desk-cw-hot-03'] as string);
    const wasClosed = closed(client);
    void client.publishAsync(uplinkTopic(SITE_ID, 'desk-cw-hot-03', 'desk'), Buffer.alloc(200_000, 0x20), { qos: 1 }).catch(() => undefined);
    expect(await wasClosed).toBe(true);
    client.end(true);
  });

  it('answers a hand-written CONNECT without credentials with CONNACK code 4', async () => {
    const socket = createConnection({ host: '127.0.0.1', port: ctl.system.mqttPort as number });
    const connect = Buffer.from([0x10, 0x12, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x06, 0x72, 0x64, 0x72, 0x2d, 0x7a, 0x7a]);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('error', reject);
      socket.write(connect);
    });
    socket.destroy();
    expect(reply[0]).toBe(0x20); // CONNACK
    expect(reply[3]).toBe(4); // bad user name or password
  });

  it('disconnects a disabled device at once and refuses it afterwards; a rotated secret replaces the old one', async () => {
    const client = await connectDevice(url, 'rdr-lab', secrets['rdr-lab'] as string);
    const wasClosed = closed(client);
    const res = await ctl.api('POST', '/api/devices/rdr-lab/disable');
    expect(res.status).toBe(200);
    expect(res.json.disabled).toBe(true);
    expect(await wasClosed).toBe(true);
    client.end(true);
    expect(await connectionRefused(url, { clientId: 'rdr-lab', username: 'rdr-lab', password: secrets['rdr-lab'] as string })).not.toBe('accepted');

    expect((await ctl.api('POST', '/api/devices/rdr-lab/enable')).status).toBe(200);
    const again = await connectDevice(url, 'rdr-lab', secrets['rdr-lab'] as string);
    const rotatedAway = closed(again);
    const rotated = await ctl.api('POST', '/api/devices/rdr-lab/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(await rotatedAway).toBe(true);
    again.end(true);
    expect(await connectionRefused(url, { clientId: 'rdr-lab', username: 'rdr-lab', password: secrets['rdr-lab'] as string })).not.toBe('accepted');
    const fresh = await connectDevice(url, 'rdr-lab', rotated.json.password as string);
    await publishUplink(fresh, 'rdr-lab', 'door', uplink('door', 'rdr-lab', newBootId(), 0));
    await eventually(() => count('rdr-lab') === 1, 'uplink with the rotated secret stored');
    await fresh.endAsync();
    const audit = ctl.query<{ action: string }>("SELECT action FROM audit_log WHERE subject = 'rdr-lab' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['device.provision', 'device.disable', 'device.enable', 'device.rotate']);
  });
});
