import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestController, type TestController } from '../support/controller.js';
import { connectDevice, connectionRefused, newBootId, publishUplink, uplink } from '../support/mqtt-device.js';

describe('MQTTS listener of the embedded broker', () => {
  let ctl: TestController;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-tls-'));
    // A self-signed certificate for 127.0.0.1, made for this test only.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ctl = await startTestController({ MQTTS_PORT: '0', MQTT_TLS_CERT: join(dir, 'cert.pem'), MQTT_TLS_KEY: join(dir, 'key.pem') });
  });
  afterAll(async () => {
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a device over TLS with the same credentials and stores its uplinks', async () => {
    const secret = await ctl.provision('rdr-server-room');
    const url = `mqtts://127.0.0.1:${ctl.system.mqttsPort}`;
    const ca = readFileSync(join(dir, 'cert.pem'));
    const client = await connectDevice(url, 'rdr-server-room', secret, { ca, rejectUnauthorized: true });
    await publishUplink(client, 'rdr-server-room', 'door', uplink('door', 'rdr-server-room', newBootId(), 0, { state: 'closed' }));
    expect(ctl.query('SELECT kind FROM events WHERE device_id = ?', 'rdr-server-room')).toEqual([{ kind: 'door' }]);
    await client.endAsync();
    expect(await connectionRefused(url, { clientId: 'rdr-server-room', ca, rejectUnauthorized: true })).not.toBe('accepted');
  });
});
