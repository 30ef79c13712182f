import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestController, type TestController } from '../support/controller.js';
import { mosquittoAvailable, startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { connectDevice, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';

describe.skipIf(!mosquittoAvailable())('external broker (Mosquitto)', () => {
  let mosquitto: RunningMosquitto | undefined;
  let ctl: TestController | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await ctl?.stop();
    await mosquitto?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("delivers the uplinks queued while the controller was down, from the gateway's persistent session", async () => {
    const password = randomBytes(12).toString('base64url');
    mosquitto = await startMosquitto({ site: SITE_ID, controllerUsername: 'controller', users: [{ username: 'controller', password }] });
    dir = mkdtempSync(join(tmpdir(), 'mf-ext-'));
    const env = { DATA_DIR: dir, MQTT_URL: mosquitto.url, MQTT_USERNAME: 'controller', MQTT_PASSWORD: password };
    ctl = await startTestController(env);
    const secret = await ctl.provision('desk-lab-05');
    await mosquitto.addUser('desk-lab-05', secret);
    await ctl.stop();
    ctl = undefined;

    // The broker keeps the gateway's session: these wait there, acknowledged to the device by Mosquitto.
    const device = await connectDevice(mosquitto.url, 'desk-lab-05', secret);
    const bootId = newBootId();
    for (let seq = 0; seq < 50; seq++) await publishUplink(device, 'desk-lab-05', 'desk', uplink('desk', 'desk-lab-05', bootId, seq));
    await device.endAsync();

    ctl = await startTestController(env);
    const started = ctl;
    await eventually(() => started.query('SELECT 1 FROM events WHERE device_id = ?', 'desk-lab-05').length === 50, 'the 50 queued uplinks stored');
    expect(started.query('SELECT count(DISTINCT seq) AS n FROM events WHERE device_id = ?', 'desk-lab-05')).toEqual([{ n: 50 }]);
  });
});
