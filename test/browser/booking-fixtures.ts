import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../../controller/config.js';
import { startSystem } from '../../controller/system.js';
import { TEST_ADMIN_PASSWORD, type TestController } from '../support/controller.js';

/**
 * What the bookings' browser tests need beyond the shared controller helper: a building file whose
 * booking rules fit a test run at any hour (open all week round the clock, a one-minute no-show
 * grace), and a controller whose clock can be set back, so that a booking can be made "a minute
 * ago" and its grace be over when the real no-show job next looks.
 */

export const DEFAULT_BUILDING = new URL('../../controller/building/menil-flin.json', import.meta.url);
const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface RuleOverrides { slotMinutes?: number; graceMinutes?: number; marginMinutes?: number; cancelBeforeMinutes?: number }

/** The Ménil-Flin building with every booking rule set open at all hours and the overrides applied, written to `dir`. */
export function writeBookingBuilding(dir: string, overrides: RuleOverrides = {}): string {
  const building = JSON.parse(readFileSync(DEFAULT_BUILDING, 'utf8')) as { booking?: { rules: Record<string, Record<string, unknown>> } };
  if (building.booking === undefined) throw new Error('the building file has no booking section');
  for (const rules of Object.values(building.booking.rules)) {
    rules.openingHours = [{ days: ALL_WEEK, from: '00:00', to: '24:00' }];
    rules.maxAheadDays = Math.max(Number(rules.maxAheadDays), 7);
    Object.assign(rules, overrides);
  }
  const file = join(dir, 'building.json');
  writeFileSync(file, JSON.stringify(building, null, 2));
  return file;
}

export interface SkewedController extends TestController {
  /** Milliseconds added to the real clock for the controller (negative: it lives in the past). */
  setOffset(ms: number): void;
  /** The controller's now. */
  now(): number;
}

/** startTestController's twin, with the controller's clock the real one plus a settable offset. */
export async function startSkewedController(env: Record<string, string> = {}): Promise<SkewedController> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mf-ctl-bk-'));
  let offset = 0;
  const clock = (): number => Date.now() + offset;
  const config = loadConfig({
    DATA_DIR: dataDir, HTTP_PORT: '0', MQTT_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, LOG_LEVEL: 'silent', ...env,
  });
  const system = await startSystem(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), clock);
  const base = system.httpUrl;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const tokenReply = await fetch(`${base}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify({ name: 'tests' }),
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
  let reader: Database.Database | undefined;
  return {
    system, dataDir, dbFile: config.dbFile, api,
    setOffset: (ms) => {
      offset = ms;
    },
    now: clock,
    provision: async (deviceId) => {
      const res = await api('POST', `/api/devices/${deviceId}/provision`);
      if (res.status !== 200) throw new Error(`provision ${deviceId}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.password as string;
    },
    query: (sql, ...params) => {
      reader ??= new Database(config.dbFile, { readonly: true });
      return reader.prepare(sql).all(...params) as never;
    },
    stop: async () => {
      reader?.close();
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The start of the `slotMinutes` grid slot `ms` is in (Europe/Paris is a whole number of hours from UTC). */
export function slotFloor(ms: number, slotMinutes: number): number {
  const step = slotMinutes * 60_000;
  return ms - (ms % step);
}
