import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestController, TEST_ADMIN_PASSWORD, type TestController } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

describe('firmware-sim devices against the real controller', () => {
  let ctl: TestController;
  beforeAll(async () => {
    ctl = await startTestController();
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  it('provisions the whole building into a credentials file and runs every device from it', async () => {
    const creds = join(ctl.dataDir, 'creds.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'controller/cli/provision.ts',
      '--url', ctl.system.httpUrl, '--password', TEST_ADMIN_PASSWORD, '--out', creds, '--all'], { cwd: ROOT });
    expect(stdout).toMatch(/89 device\(s\) provisioned/);
    const file = JSON.parse(readFileSync(creds, 'utf8')) as { site: string; devices: Record<string, string> };
    expect(file.site).toBe('menil-flin');

    const sim = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/cli.ts', '--broker', ctl.system.mqttUrl, '--credentials', creds, '--heartbeat', '1'],
      { cwd: ROOT, stdio: 'ignore' });
    try {
      // Every device connects, sends its birth and heartbeats, and shows online.
      await eventually(async () => {
        const devices = (await ctl.api('GET', '/api/devices')).json as Array<{ online: boolean }>;
        return devices.filter((d) => d.online).length === 89;
      }, 'all 89 devices online', 20_000);
      await eventually(() => (ctl.query<{ n: number }>("SELECT count(DISTINCT device_id) AS n FROM events WHERE kind = 'heartbeat'")[0]?.n ?? 0) === 89,
        'a heartbeat from every device stored', 10_000);
    } finally {
      sim.kill('SIGTERM');
      await new Promise((r) => sim.once('exit', r));
    }
    // A clean stop publishes each device's offline status.
    await eventually(async () => {
      const devices = (await ctl.api('GET', '/api/devices')).json as Array<{ online: boolean }>;
      return devices.every((d) => !d.online);
    }, 'all devices offline after the simulator stopped', 10_000);
  }, 60_000);
});
