import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const PASSWORD = 'demo-test-password';

/** Logs in as admin and takes an API token, as an operator's script would. */
async function token(httpUrl: string): Promise<string> {
  const login = await fetch(`${httpUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl }, body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${httpUrl}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl, cookie }, body: JSON.stringify({ name: 'demo test' }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('npm run demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'mf-demo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('shows a living building through the API within seconds of start, then stops cleanly with exit code 0', async () => {
    const dataDir = join(root, 'data-demo');
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/demo/run.ts', '--speed', '2000', '--exit-after', '30'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, HTTP_PORT: '0', MQTT_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1',
        DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
    try {
      const ready = await new Promise<{ httpUrl: string; mqttUrl: string; dashboardUrl: string }>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          stdout.push(line);
          if (line.startsWith('demo ready ')) resolve(JSON.parse(line.slice('demo ready '.length)) as { httpUrl: string; mqttUrl: string; dashboardUrl: string });
        });
        void exited.then((code) => reject(new Error(`demo exited (${code}) before it was ready:\n${stdout.join('\n')}\n${stderr.join('\n')}`)));
      });
      expect(ready.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout.join('\n')).toContain(`login: admin / ${PASSWORD}`);
      const auth = { authorization: `Bearer ${await token(ready.httpUrl)}` };
      const get = async <T>(path: string): Promise<T> => (await (await fetch(`${ready.httpUrl}${path}`, { headers: auth })).json()) as T;

      // People inside, desks taken, decisions logged soon after the start of the command: about 5 s
      // when the demo runs alone (issue #6 asks for 10 s); the bound is doubled because this test
      // shares two cores with the whole parallel suite, where it has taken up to 9 s.
      const LIVELY_WITHIN_MS = 20_000;
      let alive = { present: 0, occupied: 0, decisions: 0 };
      while (Date.now() - started < LIVELY_WITHIN_MS) {
        const presence = await get<{ people: unknown[] }>('/api/presence');
        const desks = await get<Array<{ status: string }>>('/api/desks');
        const decisions = await get<Array<{ grant: boolean; personName: string | null }>>('/api/access-decisions?limit=100');
        alive = { present: presence.people.length, occupied: desks.filter((d) => d.status === 'occupied').length, decisions: decisions.filter((d) => d.grant && d.personName !== null).length };
        if (alive.present >= 3 && alive.occupied >= 2 && alive.decisions >= 5) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(alive.present, `after ${Date.now() - started} ms`).toBeGreaterThanOrEqual(3);
      expect(alive.occupied).toBeGreaterThanOrEqual(2);
      expect(alive.decisions).toBeGreaterThanOrEqual(5);
      expect(Date.now() - started).toBeLessThan(LIVELY_WITHIN_MS);
      const devices = await get<Array<{ online: boolean }>>('/api/devices');
      expect(devices.filter((d) => d.online)).toHaveLength(89);
      // The day's bookings, made through the API on the controller's clock, and printed.
      const { bookings } = await get<{ bookings: Array<{ resourceId: string; startsAt: number; endsAt: number }> }>('/api/bookings');
      expect(bookings.map((b) => b.resourceId).filter((r) => r.startsWith('room-')).sort()).toEqual(['room-baccarat', 'room-luneville', 'room-luneville', 'room-vezouze']);
      expect(bookings).toHaveLength(5);
      for (const b of bookings) expect((b.endsAt - b.startsAt) % (5 * 60_000)).toBe(0); // the demo building's 5-minute slots
      expect(stdout.filter((l) => / booking: .* \(controller clock\)/.test(l))).toHaveLength(5);
      expect(stdout.some((l) => / enters the building$/.test(l))).toBe(true);

      expect(await exited).toBe(0);
      // Devices first, then the controller (a last event line may be printed between the two).
      expect(stdout.join('\n')).toMatch(/--exit-after 30: stopping the devices, then the controller\n(?:.*\n)*?stopped \(controller exit code 0\)/);
      expect(existsSync(join(dataDir, '.menil-flin-demo'))).toBe(true);
      // The controller is gone with the demo.
      await expect(fetch(`${ready.httpUrl}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
