import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnController, type ControllerProcess } from '../support/controller-process.js';
import { eventually } from '../support/mqtt-device.js';
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../../controller/build.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs the controller expecting it to refuse to start; returns its exit code and stderr. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_ENTRY], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HTTP_PORT: '0', MQTT_PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('the controller process (npm start)', () => {
  const dirs: string[] = [];
  let running: ControllerProcess | undefined;
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'mf-proc-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    running?.child.kill('SIGKILL');
    running = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates the admin on the first start only, prints its password once, serves its endpoints, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    running = await spawnController({ DATA_DIR: dir });
    // The password is printed right after the "controller started" line, on the other stream.
    const proc = running;
    const printed = await eventually(() => /password: (\S+)/.exec(proc.stderr.join('\n'))?.[1], 'admin password printed');
    const login = await fetch(`${running.httpUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: running.httpUrl },
      body: JSON.stringify({ username: 'admin', password: printed }),
    });
    expect(login.status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/docs/json', '/']) expect((await fetch(`${running.httpUrl}${path}`)).status, path).toBe(200);
    const spec = (await (await fetch(`${running.httpUrl}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/devices', '/api/devices/{id}/provision', '/api/auth/login']));

    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.logs.some((l) => l.msg === 'stopped')).toBe(true);

    running = await spawnController({ DATA_DIR: dir });
    await new Promise((r) => setTimeout(r, 300));
    expect(running.stderr.join('\n')).not.toMatch(/password:/);
    running.child.kill('SIGINT');
    expect((await running.exited).code).toBe(0);
  });

  it('refuses a bad configuration with every problem listed and a non-zero exit', async () => {
    const { code, stderr } = await runToExit({ DATA_DIR: tempDir(), HTTP_PORT: 'eighty', LOG_LEVEL: 'chatty', MQTTS_PORT: '8883' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration/);
    expect(stderr).toMatch(/HTTP_PORT: must be integer/);
    expect(stderr).toMatch(/LOG_LEVEL: must be equal to one of the allowed values/);
    expect(stderr).toMatch(/MQTTS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY go together/);
  });

  it('refuses a building file with broken references, naming each problem', async () => {
    const dir = tempDir();
    const building = JSON.parse(readFileSync(join(ROOT, 'controller/building/menil-flin.json'), 'utf8')) as {
      doors: Array<{ to: string; from: string }>; desks: Array<{ id: string }>;
    };
    (building.doors[1] as { to: string }).to = 'attic';
    (building.desks[1] as { id: string }).id = (building.desks[0] as { id: string }).id;
    const file = join(dir, 'building.json');
    writeFileSync(file, JSON.stringify(building));
    const { code, stderr } = await runToExit({ DATA_DIR: dir, BUILDING_FILE: file });
    expect(code).toBe(1);
    expect(stderr).toMatch(/door "coworking" leads to unknown zone "attic"/);
    expect(stderr).toMatch(/duplicate desk id "cw-hot-01"/);
  });
});
