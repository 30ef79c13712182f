import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../../controller/build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ControllerProcess {
  child: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  /** Every log line seen so far (parsed JSON), and plain stderr text. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the controller as its own process, as `npm start` does (the build in dist/), and waits until it is started. */
export function spawnController(env: Record<string, string>, timeoutMs = 20_000): Promise<ControllerProcess> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HTTP_PORT: '0', MQTT_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`controller did not start in ${timeoutMs} ms:\n${stderr.join('\n')}`));
    }, timeoutMs);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`controller exited with code ${code} before starting:\n${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'controller started') {
        clearTimeout(timer);
        resolve({ child, httpUrl: String(entry.httpUrl), mqttUrl: String(entry.mqttUrl), logs, stderr, exited });
      }
    });
  });
}

/** Logs in as admin and returns an API token, as an operator's script would. */
export async function adminToken(httpUrl: string, password: string): Promise<string> {
  const login = await fetch(`${httpUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${httpUrl}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl, cookie }, body: JSON.stringify({ name: 'test' }),
  });
  return ((await res.json()) as { token: string }).token;
}

export async function provisionOverHttp(httpUrl: string, token: string, deviceId: string): Promise<string> {
  const res = await fetch(`${httpUrl}/api/devices/${deviceId}/provision`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`provision ${deviceId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { password: string }).password;
}
