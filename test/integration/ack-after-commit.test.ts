import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { adminToken, provisionOverHttp, spawnController, type ControllerProcess } from '../support/controller-process.js';
import { connectDevice, newBootId, publishUplink, uplink } from '../support/mqtt-device.js';

const PASSWORD = 'sigkill-admin-password';

describe('acknowledge after commit', () => {
  let dir: string | undefined;
  let running: ControllerProcess | undefined;
  const clients: MqttClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.end(true);
    running?.child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('finds every acknowledged uplink after the controller is SIGKILLed mid-stream and restarted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-kill-'));
    const env = { DATA_DIR: dir, ADMIN_PASSWORD: PASSWORD };
    running = await spawnController(env);
    const token = await adminToken(running.httpUrl, PASSWORD);
    const ids = Array.from({ length: 16 }, (_, i) => `desk-cw-hot-${String(i + 1).padStart(2, '0')}`);
    const acked: Array<{ deviceId: string; bootId: string; seq: number }> = [];
    const KILL_AFTER = 3_000;
    let killed = false;

    for (const id of ids) clients.push(await connectDevice(running.mqttUrl, id, await provisionOverHttp(running.httpUrl, token, id)));
    const child = running.child;
    // Every device keeps a window of uplinks in flight until the process dies under it.
    await Promise.all(clients.map(async (client, i) => {
      const deviceId = ids[i] as string;
      const bootId = newBootId();
      let seq = 0;
      const sendOne = async (): Promise<void> => {
        const s = seq++;
        await publishUplink(client, deviceId, 'desk', uplink('desk', deviceId, bootId, s, { occupied: s % 2 === 0 }));
        if (killed) return;
        acked.push({ deviceId, bootId, seq: s });
        if (acked.length >= KILL_AFTER) {
          killed = true;
          child.kill('SIGKILL'); // at once, right after the acks arrived: no clean shutdown
        }
      };
      const lanes = Array.from({ length: 8 }, async () => {
        while (!killed) await sendOne().catch(() => undefined);
      });
      await Promise.race([Promise.all(lanes), new Promise<void>((r) => client.once('close', () => r()))]);
    }));
    expect((await running.exited).signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);

    // The restarted controller opens the same file and goes on.
    running = await spawnController(env);
    const ready = await fetch(`${running.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    const db = new Database(join(dir, 'controller.db'), { readonly: true });
    const has = db.prepare('SELECT 1 FROM events WHERE device_id = ? AND boot_id = ? AND seq = ?');
    const missing = acked.filter((a) => has.get(a.deviceId, a.bootId, a.seq) === undefined);
    db.close();
    expect(missing).toEqual([]);
  }, 60_000);
});
