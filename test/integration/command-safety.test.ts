import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimReader } from '../../firmware-sim/reader.js';
import { downlinkTopic } from '../../gateway/protocol/index.js';
import { startTestController, type TestController } from '../support/controller.js';
import { closed, eventually, SITE_ID } from '../support/mqtt-device.js';

const CONTROLLER_PASSWORD = 'controller-secret-for-tests';

/**
 * A stale, replayed or retained unlock never opens a door: a real reader (firmware-sim) against
 * the real controller and broker, with a test client speaking with the controller's identity.
 */
describe('unlock commands that must leave the door shut', () => {
  let ctl: TestController;
  let reader: SimReader;
  let as: MqttClient;

  beforeAll(async () => {
    ctl = await startTestController({ MQTT_PASSWORD: CONTROLLER_PASSWORD });
    reader = new SimReader({ brokerUrl: ctl.system.mqttUrl, site: SITE_ID, deviceId: 'rdr-lab', secret: await ctl.provision('rdr-lab'), heartbeatIntervalS: 3_600 });
    await reader.start();
    as = await connectAsync(ctl.system.mqttUrl, { clientId: 'controller-test', username: 'controller', password: CONTROLLER_PASSWORD, reconnectPeriod: 0 });
  });
  afterAll(async () => {
    as?.end(true);
    await reader?.stop();
    await ctl?.stop();
  });

  const unlock = (over: Record<string, unknown> = {}) => JSON.stringify({
    v: 1, nonce: `n${Math.random().toString(36).slice(2).padEnd(20, 'x')}`, issuedAt: Date.now(), expiresAt: Date.now() + 10_000,
    action: 'unlock', durationMs: 60_000, ...over,
  });
  const topic = downlinkTopic(SITE_ID, 'rdr-lab', 'door_cmd');

  it('ignores an expired unlock', async () => {
    await as.publishAsync(topic, unlock({ issuedAt: Date.now() - 60_000, expiresAt: Date.now() - 30_000 }), { qos: 1 });
    await eventually(() => (reader.stats.ignored.expired ?? 0) === 1, 'expired command seen and ignored');
    expect(reader.lock.locked).toBe(true);
  });

  it('applies a fresh unlock once and ignores the same message replayed', async () => {
    // 2 s open: long enough that polling every 20 ms cannot miss it behind a stall of a loaded machine.
    const command = unlock({ durationMs: 2_000 });
    await as.publishAsync(topic, command, { qos: 1 });
    await eventually(() => !reader.lock.locked, 'fresh unlock applied');
    await eventually(() => reader.lock.locked, 'locked again after 2 s', 6_000);
    await as.publishAsync(topic, command, { qos: 1 });
    await eventually(() => (reader.stats.ignored.replayed ?? 0) === 1, 'replay seen and ignored');
    expect(reader.lock.locked).toBe(true);
  });

  it('refuses a retained command at the broker, so no reader ever gets it', async () => {
    const wasClosed = closed(as);
    void as.publishAsync(topic, unlock(), { qos: 1, retain: true }).catch(() => undefined);
    expect(await wasClosed).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(reader.lock.locked).toBe(true);
    // A reader that subscribes later finds nothing retained either.
    await reader.stop();
    await reader.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(reader.lock.locked).toBe(true);
    expect(reader.stats.ignored.retained ?? 0).toBe(0);
  });
});
