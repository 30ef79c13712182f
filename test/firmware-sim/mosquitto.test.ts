import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allStatusFilter, allUplinksFilter, downlinkTopic, parseTopic, statusTopic } from '../../gateway/protocol/index.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { mosquittoAvailable, startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { command, SITE, until } from './harness.js';

/**
 * The same device against an external broker with the protocol's ACL (Mosquitto): the simulator
 * publishes and subscribes only where a real device may, or this suite fails.
 */
const CONTROLLER = { username: 'controller', password: 'controller-secret-1' };
const READER = { username: 'rdr-main-out', password: 'reader-secret-out' };

describe.skipIf(!mosquittoAvailable())('firmware-sim against Mosquitto and its ACL', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ site: SITE, users: [CONTROLLER, READER], controllerUsername: CONTROLLER.username });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('birth, badge and access answer, clean stop: every topic the reader uses is allowed', async () => {
    const controller: MqttClient = connect(broker.url, { clientId: CONTROLLER.username, ...CONTROLLER, reconnectPeriod: 0 });
    const statuses: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => { controller.once('connect', () => resolve()); controller.once('error', reject); });
      controller.on('message', (topic, payload) => {
        const parsed = parseTopic(topic);
        if (parsed?.direction === 'status') statuses.push(JSON.parse(payload.toString()).state);
        if (parsed?.direction !== 'up' || parsed.kind !== 'badge') return;
        const badge = JSON.parse(payload.toString()) as { bootId: string; seq: number };
        const answer = { ...command(Date.now()), inReplyTo: { bootId: badge.bootId, seq: badge.seq }, grant: true, reason: 'granted', unlockMs: 3_000 };
        controller.publish(downlinkTopic(SITE, parsed.deviceId, 'access'), JSON.stringify(answer), { qos: 1 });
      });
      await controller.subscribeAsync([allUplinksFilter(SITE), allStatusFilter(SITE)], { qos: 1 });

      const reader = new SimReader({ brokerUrl: broker.url, site: SITE, deviceId: READER.username, secret: READER.password });
      await reader.start();
      try {
        expect(await reader.presentBadge('04A1B2C3D4E5F6')).toMatchObject({ grant: true });
        expect((await reader.openDoor())?.state).toBe('open');
        await reader.closeDoor();
      } finally {
        await reader.stop();
      }
      await until(() => statuses.length >= 2, 'online and offline statuses');
      expect(statuses).toEqual(['online', 'offline']);
      expect(statusTopic(SITE, READER.username)).toBe(`mf/v1/${SITE}/${READER.username}/status`);
    } finally {
      await controller.endAsync(true);
    }
  });
});
