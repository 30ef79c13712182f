import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { adminToken, provisionOverHttp, spawnController, type ControllerProcess } from '../support/controller-process.js';
import { mosquittoAvailable, startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { connectDevice, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';

const PASSWORD = 'sigkill-admin-password';
const KILL_AFTER = 3_000; // acknowledged uplinks before the kill

describe('acknowledge after commit', () => {
  let dir: string | undefined;
  let running: ControllerProcess | undefined;
  let mosquitto: RunningMosquitto | undefined;
  const clients: MqttClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    running?.child.kill('SIGKILL');
    await mosquitto?.stop();
    mosquitto = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Devices keep windows of QoS 1 uplinks in flight; the controller is SIGKILLed right after the KILL_AFTER-th ack. */
  async function killMidStream(deviceUrl: string, provision: (id: string) => Promise<string>) {
    const ids = Array.from({ length: 16 }, (_, i) => `desk-cw-hot-${String(i + 1).padStart(2, '0')}`);
    const acked: Array<{ deviceId: string; bootId: string; seq: number }> = [];
    let killed = false;
    for (const id of ids) clients.push(await connectDevice(deviceUrl, id, await provision(id)));
    const child = (running as ControllerProcess).child;
    await Promise.all(clients.map(async (client, i) => {
      const deviceId = ids[i] as string;
      const bootId = newBootId();
      let seq = 0;
      const lanes = Array.from({ length: 8 }, async () => {
        while (!killed) {
          const s = seq++;
          const ok = await publishUplink(client, deviceId, 'desk', uplink('desk', deviceId, bootId, s)).then(() => true, () => false);
          if (!ok || killed) continue;
          acked.push({ deviceId, bootId, seq: s });
          if (acked.length >= KILL_AFTER) {
            killed = true;
            child.kill('SIGKILL'); // at once, right after the acks arrived: no clean shutdown
          }
        }
      });
      await Promise.race([Promise.all(lanes), new Promise<void>((r) => client.once('close', () => r()))]);
    }));
    expect((await (running as ControllerProcess).exited).signal).toBe('SIGKILL');
    return acked;
  }

  function missingFrom(dbFile: string, acked: Array<{ deviceId: string; bootId: string; seq: number }>) {
    const db = new Database(dbFile, { readonly: true });
    const has = db.prepare('SELECT 1 FROM events WHERE device_id = ? AND boot_id = ? AND seq = ?');
    const missing = acked.filter((a) => has.get(a.deviceId, a.bootId, a.seq) === undefined);
    db.close();
    return missing;
  }

  it('embedded broker: every uplink a device saw acknowledged is in SQLite after a SIGKILL and a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-kill-'));
    const env = { DATA_DIR: dir, ADMIN_PASSWORD: PASSWORD };
    running = await spawnController(env);
    const token = await adminToken(running.httpUrl, PASSWORD);
    const acked = await killMidStream(running.mqttUrl, (id) => provisionOverHttp((running as ControllerProcess).httpUrl, token, id));
    running = await spawnController(env);
    expect((await fetch(`${running.httpUrl}/readyz`)).status).toBe(200);
    expect(missingFrom(join(dir, 'controller.db'), acked)).toEqual([]);
  }, 60_000);

  it.skipIf(!mosquittoAvailable())('external Mosquitto: every uplink it acknowledged reaches SQLite once the killed controller restarts', async () => {
    const controllerPassword = randomBytes(12).toString('base64url');
    mosquitto = await startMosquitto({ site: SITE_ID, controllerUsername: 'controller', users: [{ username: 'controller', password: controllerPassword }] });
    dir = mkdtempSync(join(tmpdir(), 'mf-kill-ext-'));
    const env = { DATA_DIR: dir, ADMIN_PASSWORD: PASSWORD, MQTT_URL: mosquitto.url, MQTT_PASSWORD: controllerPassword };
    running = await spawnController(env);
    const token = await adminToken(running.httpUrl, PASSWORD);
    const broker = mosquitto;
    const acked = await killMidStream(broker.url, async (id) => {
      const secret = await provisionOverHttp((running as ControllerProcess).httpUrl, token, id);
      await broker.addUser(id, secret);
      return secret;
    });
    // Mosquitto acknowledged them to the devices; the gateway's persistent session holds what the
    // controller had not acknowledged after its commit, and delivers it again after the restart.
    running = await spawnController(env);
    await eventually(() => missingFrom(join(dir as string, 'controller.db'), acked).length === 0, 'every acknowledged uplink stored', 20_000);
  }, 90_000);
});
