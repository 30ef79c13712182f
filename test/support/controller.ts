import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../../controller/config.js';
import { startSystem, type RunningSystem } from '../../controller/system.js';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-123';
export const SITE = 'menil-flin';

export interface TestController {
  system: RunningSystem;
  dataDir: string;
  dbFile: string;
  /** JSON call to the HTTP API as the admin (bearer token). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>; // any: tests read arbitrary replies
  /** Provisions a building device through the API and returns its secret. */
  provision(deviceId: string): Promise<string>;
  /** A read-only view of the SQLite file, as another process would see it. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

/**
 * The whole controller in this process: embedded broker (or the external one given), real SQLite file in a temp folder.
 * `clock` replaces the controller's time (Date.now by default) for tests that need a chosen instant.
 */
export async function startTestController(env: Record<string, string> = {}, opts: { clock?: () => number } = {}): Promise<TestController> {
  // A caller that passes DATA_DIR owns the folder (to restart on it); otherwise it is ours to delete.
  const ownsDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'mf-ctl-'));
  const config = loadConfig({
    DATA_DIR: dataDir, HTTP_PORT: '0', MQTT_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, LOG_LEVEL: 'silent', ...env,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const system = await startSystem(config, logger, opts.clock);
  const base = system.httpUrl;

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const tokenReply = await fetch(`${base}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify({ name: 'tests' }),
  });
  const { token } = (await tokenReply.json()) as { token: string };

  const api: TestController['api'] = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? null : JSON.parse(text) };
  };
  const dbFile = config.dbFile;
  let reader: Database.Database | undefined;
  return {
    system, dataDir, dbFile, api,
    provision: async (deviceId) => {
      const res = await api('POST', `/api/devices/${deviceId}/provision`);
      if (res.status !== 200) throw new Error(`provision ${deviceId}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.password as string;
    },
    query: (sql, ...params) => {
      reader ??= new Database(dbFile, { readonly: true });
      return reader.prepare(sql).all(...params) as never;
    },
    stop: async () => {
      reader?.close();
      await system.stop();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
