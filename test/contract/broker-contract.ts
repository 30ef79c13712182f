import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceDownlinkFilter, downlinkTopic, parseDownlink, uplinkTopic } from '../../gateway/protocol/index.js';
import type { TestController } from '../support/controller.js';
import {
  connectDevice, connectionRefused, deviceStatusTopic, eventually, newBootId, publishUplink, SITE_ID, uplink,
} from '../support/mqtt-device.js';

/** A running controller on some broker, and how to give a device credentials that broker accepts. */
export interface BrokerUnderTest {
  ctl: TestController;
  /** Provisions through the controller's API and, for an external broker, mirrors the credentials there. */
  provision(deviceId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * What devices may rely on, whichever broker sits between them and the controller (MQTT.js
 * style: one suite, run against every transport).
 */
export function describeBrokerContract(name: string, setup: () => Promise<BrokerUnderTest>, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip === true)(`broker contract: ${name}`, () => {
    let env: BrokerUnderTest;
    const clients: MqttClient[] = [];
    const secrets: Record<string, string> = {};
    const device = async (id: string, extra = {}) => {
      secrets[id] ??= await env.provision(id);
      const c = await connectDevice(env.ctl.system.mqttUrl, id, secrets[id] as string, extra);
      clients.push(c);
      return c;
    };
    const events = (id: string) => env.ctl.query<{ seq: number }>('SELECT seq FROM events WHERE device_id = ? ORDER BY seq', id);
    const dead = (id: string) => env.ctl.query<{ reason: string }>('SELECT reason FROM dead_letters WHERE device_id = ?', id);

    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      for (const c of clients) c.end(true);
      await env?.stop();
    });

    it('refuses anonymous clients and wrong secrets', async () => {
      expect(await connectionRefused(env.ctl.system.mqttUrl, { clientId: 'rdr-lab' })).not.toBe('accepted');
      await device('rdr-lab');
      expect(await connectionRefused(env.ctl.system.mqttUrl, { clientId: 'rdr-lab', username: 'rdr-lab', password: 'not-the-secret' }))
        .not.toBe('accepted');
    });

    it('stores uplinks once, in order, whatever the redeliveries', async () => {
      const c = await device('desk-cw-hot-10');
      const bootId = newBootId();
      for (let seq = 0; seq < 20; seq++) await publishUplink(c, 'desk-cw-hot-10', 'desk', uplink('desk', 'desk-cw-hot-10', bootId, seq));
      await publishUplink(c, 'desk-cw-hot-10', 'desk', uplink('desk', 'desk-cw-hot-10', bootId, 5));
      await publishUplink(c, 'desk-cw-hot-10', 'desk', uplink('desk', 'desk-cw-hot-10', bootId, 19));
      await eventually(() => events('desk-cw-hot-10').length === 20, '20 uplinks stored');
      await new Promise((r) => setTimeout(r, 200));
      expect(events('desk-cw-hot-10').map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('dead-letters a malformed uplink and keeps the device connected', async () => {
      const c = await device('net-ground');
      await c.publishAsync(uplinkTopic(SITE_ID, 'net-ground', 'net'), '{"v":1,"oops"', { qos: 1 });
      await eventually(() => dead('net-ground').length === 1, 'dead letter stored');
      expect(dead('net-ground')[0]?.reason).toMatch(/JSON/);
      await publishUplink(c, 'net-ground', 'net', uplink('net', 'net-ground', newBootId(), 0));
      await eventually(() => events('net-ground').length === 1, 'next uplink stored');
      expect(c.connected).toBe(true);
    });

    it("never stores what a device publishes under another device's branch", async () => {
      const c = await device('desk-cw-hot-11');
      await device('desk-cw-hot-12');
      void c.publishAsync(uplinkTopic(SITE_ID, 'desk-cw-hot-12', 'desk'), uplink('desk', 'desk-cw-hot-12', newBootId(), 0), { qos: 1 })
        .catch(() => undefined);
      // A marker from a device that may publish, sent after: once it is stored, the spoof would have been too.
      const marker = await device('desk-cw-hot-13');
      await publishUplink(marker, 'desk-cw-hot-13', 'desk', uplink('desk', 'desk-cw-hot-13', newBootId(), 0));
      await eventually(() => events('desk-cw-hot-13').length === 1, 'marker stored');
      expect(events('desk-cw-hot-12')).toEqual([]);
      expect(env.ctl.query("SELECT 1 FROM dead_letters WHERE topic LIKE '%desk-cw-hot-12%'")).toEqual([]);
    });

    it("does not let a device's credentials take over another device's session", async () => {
      const victim = await device('rdr-museum');
      await device('rdr-event-hall').then((c) => c.endAsync());
      const intruder = await connectDevice(env.ctl.system.mqttUrl, 'rdr-museum', secrets['rdr-event-hall'] as string, {
        username: 'rdr-event-hall',
      }).catch(() => undefined);
      if (intruder !== undefined) clients.push(intruder);
      await new Promise((r) => setTimeout(r, 300));
      expect(victim.connected).toBe(true);
    });

    it('delivers commands to their device only, with nonce and expiry', async () => {
      const target = await device('rdr-office-1');
      const other = await device('rdr-office-2');
      await target.subscribeAsync(deviceDownlinkFilter(SITE_ID, 'rdr-office-1'), { qos: 1 });
      // A device asking for someone else's commands gets nothing, refused at subscribe or at delivery.
      await other.subscribeAsync(downlinkTopic(SITE_ID, 'rdr-office-1', 'door_cmd'), { qos: 1 }).catch(() => undefined);
      const seenByOther: string[] = [];
      other.on('message', (topic) => seenByOther.push(topic));
      const received = new Promise<Buffer>((resolve) => target.once('message', (_t, payload) => resolve(payload)));
      const sent = await env.ctl.system.commands.send('rdr-office-1', 'door_cmd', { action: 'unlock', durationMs: 5_000 });
      const parsed = parseDownlink('door_cmd', await received);
      expect(parsed.ok && parsed.value.nonce).toBe(sent.nonce);
      expect(sent.expiresAt).toBeGreaterThan(sent.issuedAt);
      await new Promise((r) => setTimeout(r, 200));
      expect(seenByOther).toEqual([]);
    });

    it('follows presence through birth and last will', async () => {
      const id = 'rdr-training';
      const bootId = newBootId();
      const status = (state: string) => JSON.stringify({ v: 1, deviceId: id, bootId, state, ts: Date.now() });
      const c = await device(id, { will: { topic: deviceStatusTopic(id), payload: Buffer.from(status('offline')), qos: 1, retain: true } });
      await c.publishAsync(deviceStatusTopic(id), status('online'), { qos: 1, retain: true });
      const online = async () => ((await env.ctl.api('GET', `/api/devices/${id}`)).json as { online: boolean }).online;
      await eventually(async () => (await online()) === true, 'online after birth');
      c.stream.destroy();
      await eventually(async () => (await online()) === false, 'offline after the will');
    });
  });
}
