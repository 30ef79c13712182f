import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_BUILDING_FILE as BUILDING_FILE } from '../firmware-sim/building-devices.js';
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../controller/build.js';
import { removeDir, spawnJs, stopProcess, tempDir, type Spawned } from './processes.js';

/**
 * The controller as `npm start` runs it, in its own process on ephemeral loopback ports with a
 * fresh temporary DATA_DIR, driven over its HTTP API as an operator's script would.
 */

export const controllerDefaults = {
  startTimeoutMs: 30_000, // 30 s until "controller started"
  provisionConcurrency: 16, // HTTP requests in flight while registering devices
};

export interface BenchController {
  proc: Spawned;
  pid: number;
  httpUrl: string;
  mqttUrl: string;
  dataDir: string;
  dbFile: string;
  /** The admin API token (bearer) the bench drives the controller with. */
  token: string;
  /** Log lines at warn level or above, the last 100, and how many there were. */
  warnings: { count: number; last: string[] };
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the process (SIGTERM: it commits what is pending); the data folder stays for a look. */
  stop(): Promise<void>;
  /** Stops the process and removes its data folder. */
  dispose(): Promise<void>;
}

const LEVEL_WARN = 40; // pino's numeric level of warn

/**
 * Node flags for every controller the bench starts: npm start's own (package.json), unless
 * bench/run.ts is told others (--controller-node-args) or adds a profiler (--profile).
 */
let controllerNodeArgs: string[] = SERVER_NODE_ARGS;
export function setControllerNodeArgs(args: string[]): void {
  controllerNodeArgs = args;
}
/** Extra environment for every controller the bench starts, for experiments (e.g. DB_SYNCHRONOUS=NORMAL). */
let controllerEnv: Record<string, string> = {};
export function setControllerEnv(env: Record<string, string>): void {
  controllerEnv = env;
}

/** The same settings, for the other processes that stand for the controller (the billing run: bench/scenarios/billing.ts). */
export function controllerSettings(): { nodeArgs: string[]; env: Record<string, string> } {
  return { nodeArgs: controllerNodeArgs, env: controllerEnv };
}

/** nodeArgs: extra flags for the controller's node, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR'] to see where its time goes. */
export async function startController(env: Record<string, string> = {}, nodeArgs: string[] = controllerNodeArgs): Promise<BenchController> {
  const dataDir = tempDir('mf-bench-');
  const adminPassword = randomBytes(18).toString('base64url');
  const warnings = { count: 0, last: [] as string[] };
  let started: ((entry: Record<string, unknown>) => void) | undefined;
  const ready = new Promise<Record<string, unknown>>((resolve) => { started = resolve; });
  const proc = spawnJs(SERVER_ENTRY, [], {
    nodeArgs,
    env: {
      HTTP_PORT: '0', MQTT_PORT: '0', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'info',
      DATA_DIR: dataDir, ADMIN_PASSWORD: adminPassword, ...controllerEnv, ...env,
    },
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (entry.msg === 'controller started') started?.(entry);
      if (typeof entry.level === 'number' && entry.level >= LEVEL_WARN) {
        warnings.count++;
        warnings.last.push(line.slice(0, 400));
        if (warnings.last.length > 100) warnings.last.shift();
      }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`controller did not start in ${controllerDefaults.startTimeoutMs} ms`)), controllerDefaults.startTimeoutMs);
    void proc.exited.then(({ code }) => reject(new Error(`controller exited (${code}) before starting:\n${proc.stderr.join('\n')}`)));
  });
  let entry: Record<string, unknown>;
  try {
    entry = await Promise.race([ready, failed]);
  } catch (err) {
    await stopProcess(proc);
    removeDir(dataDir);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  failed.catch(() => {}); // the process exits at stop(): nothing waits on this any more
  const httpUrl = String(entry.httpUrl);
  const token = await adminToken(httpUrl, adminPassword);
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  };
  const stop = () => stopProcess(proc);
  return {
    proc, pid: proc.pid, httpUrl, mqttUrl: String(entry.mqttUrl), dataDir, dbFile: join(dataDir, 'controller.db'), token, warnings, api, stop,
    dispose: async () => {
      await stop();
      removeDir(dataDir);
    },
  };
}

async function adminToken(httpUrl: string, password: string): Promise<string> {
  const login = await fetch(`${httpUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (login.status !== 200) throw new Error(`admin login refused: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${httpUrl}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl, cookie }, body: JSON.stringify({ name: 'bench' }),
  });
  if (!res.ok) throw new Error(`API token refused: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** load-00001, load-00002, …: valid device ids outside the building file. */
export function loadDeviceIds(n: number, prefix = 'load-'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(5, '0')}`);
}

/**
 * Registers (unless the building file has them) and provisions devices over the API, a few requests
 * at a time; returns their secrets (none when only registering, for an external broker that checks them).
 */
export async function provisionDevices(
  ctl: BenchController, ids: string[], opts: { register: boolean; provision?: boolean; kind?: 'desk' | 'meter' | 'reader' },
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      if (opts.register) await ctl.api('POST', '/api/devices', { id, kind: opts.kind ?? 'desk' });
      if (opts.provision === false) continue;
      const creds = await ctl.api<{ password: string }>('POST', `/api/devices/${id}/provision`);
      secrets.set(id, creds.password);
    }
  };
  await Promise.all(Array.from({ length: Math.min(controllerDefaults.provisionConcurrency, ids.length) }, worker));
  return secrets;
}

/** A person with a badge allowed on every door at all times (and a PIN, for the server room's keypad). */
export async function createBadgeHolder(ctl: BenchController, uid: string, pin: string): Promise<void> {
  const zones = rootZones();
  const schedule = await ctl.api<{ id: number }>('POST', '/api/schedules', {
    name: 'Bench: always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true,
  });
  const group = await ctl.api<{ id: number }>('POST', '/api/access-groups', {
    name: 'Bench: everywhere', grants: zones.map((zoneId) => ({ zoneId, scheduleId: schedule.id })),
  });
  const person = await ctl.api<{ id: number }>('POST', '/api/people', { kind: 'member', name: 'Bench Badge' });
  await ctl.api('POST', `/api/people/${person.id}/credentials`, { uid, pin });
  await ctl.api('POST', `/api/access-groups/${group.id}/members`, { personId: person.id });
}

interface BuildingFile {
  zones: Array<{ id: string; parent?: string }>;
  doors: Array<{ id: string; pinRequired?: boolean; readers: Array<{ deviceId: string }> }>;
}
const readBuilding = () => JSON.parse(readFileSync(BUILDING_FILE, 'utf8')) as BuildingFile;

/** The building's top-level zones: a grant on a zone covers the zones inside it. */
function rootZones(): string[] {
  return readBuilding().zones.filter((z) => z.parent === undefined).map((z) => z.id);
}

/** The building's readers (the only devices whose badges open doors), and whether their door asks for a PIN. */
export function buildingReaders(): Array<{ id: string; keypad: boolean }> {
  return readBuilding().doors.flatMap((d) => d.readers.map((r) => ({ id: r.deviceId, keypad: d.pinRequired === true })));
}

/** Reads the controller's SQLite file as another process would (after stop, or beside it in WAL mode). */
export function countRows(dbFile: string, sql: string, ...params: Array<string | number>): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}
