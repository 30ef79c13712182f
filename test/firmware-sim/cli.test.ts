import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { statusTopic } from '../../gateway/protocol/index.js';
import { SITE, startTestBroker, until, type TestBroker } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const secrets = { 'rdr-main-out': 'secret-rdr-main-out', 'desk-cw-hot-01': 'secret-desk-cw-hot-01' };

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

describe('firmware-sim CLI', () => {
  let broker: TestBroker | undefined;
  let dir: string | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await broker?.close();
    broker = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function credentials(devices: Record<string, string>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'firmware-sim-'));
    const file = join(dir, 'creds.json');
    await writeFile(file, JSON.stringify({ site: SITE, devices }));
    return file;
  }

  function run(args: string[]): Run {
    const child = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, out: () => out, exited };
  }

  it('runs every device of the building that has a secret, and stops them cleanly on SIGTERM', async () => {
    broker = await startTestBroker({ passwords: secrets });
    const cli = run(['--broker', broker.url, '--credentials', await credentials(secrets)]);
    await until(() => /rdr-main-out connected/.test(cli.out()) && /desk-cw-hot-01 connected/.test(cli.out()), 'both devices connected', 15_000);
    expect(cli.out()).toMatch(/2 device\(s\)/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    for (const id of Object.keys(secrets)) {
      const states = broker.published.filter((p) => p.topic === statusTopic(SITE, id)).map((p) => [JSON.parse(p.payload).state, p.retain]);
      expect(states).toEqual([['online', true], ['offline', true]]);
    }
  });

  it('runs only the devices named with --device', async () => {
    broker = await startTestBroker({ passwords: secrets });
    const cli = run(['--broker', broker.url, '--credentials', await credentials(secrets), '--device', 'desk-cw-hot-01']);
    await until(() => /desk-cw-hot-01 connected/.test(cli.out()), 'the desk connected', 15_000);
    expect(cli.out()).toMatch(/1 device\(s\)/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(broker.published.some((p) => p.topic === statusTopic(SITE, 'rdr-main-out'))).toBe(false);
  });

  it('exits non-zero with a clear message when every device is refused, or a device is unknown', async () => {
    broker = await startTestBroker({ passwords: secrets });
    const refused = run(['--broker', broker.url, '--credentials', await credentials({ 'rdr-main-out': 'wrong' })]);
    expect(await refused.exited).toBe(1);
    expect(refused.out()).toMatch(/rdr-main-out: broker refused device rdr-main-out/);

    const unknown = run(['--broker', broker.url, '--credentials', join(dir!, 'creds.json'), '--device', 'rdr-nowhere']);
    expect(await unknown.exited).toBe(1);
    expect(unknown.out()).toMatch(/"rdr-nowhere" is not in building file/);
  });
});
