import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createAuditLog, type AuditFn } from '../../controller/auth/audit.js';
import type { Role } from '../../controller/auth/roles.js';
import { UserService, type PublicUser } from '../../controller/auth/users.js';
import { openDatabase, type OpenDb } from '../../controller/db/open.js';
import { buildHttpApp, type HttpAppDeps } from '../../controller/http/app.js';
import { SESSION_COOKIE } from '../../controller/http/guard.js';
import { DEFAULT_DASHBOARD_DIR } from '../../controller/http/static.js';
import type { HttpApp, HttpPlugin } from '../../controller/http/types.js';

/** What a test's own route plugins may be built from: the same database the app uses. */
export interface TestContext {
  db: OpenDb;
  users: UserService;
  audit: AuditFn;
  clock: TestClock;
}

export interface TestClock {
  (): number;
  /** milliseconds since the epoch; tests may set it */
  now: number;
  advance(ms: number): void;
}

export interface TestHttpAppOptions extends Partial<Omit<HttpAppDeps, 'users' | 'audit' | 'plugins'>> {
  plugins?: HttpPlugin[] | ((ctx: TestContext) => HttpPlugin[]);
  /** start of the fake clock; defaults to the real time */
  now?: number;
}

export interface TestHttpApp extends TestContext {
  app: HttpApp;
  dir: string;
  /** A user with a known password (cheap hashing, see below). */
  createUser(role: Role, overrides?: { username?: string; password?: string; displayName?: string }): Promise<{ user: PublicUser; password: string }>;
  /** Headers of a logged-in browser: session cookie plus a same-origin Origin so POSTs pass the CSRF check. */
  asSession(user: { id: number }): { cookie: string; origin: string };
  /** Headers of an API client with a fresh token. */
  asBearer(user: { id: number }): { authorization: string };
  /** Closes the app and the database and deletes the temp folder; safe to call twice. */
  close(): Promise<void>;
}

// inject() sends "Host: localhost:80"; URL origin comparison drops the default port.
export const TEST_ORIGIN = 'http://localhost';
// Hashing at production cost would make every createUser take ~0.3 s; the format is the same.
const TEST_SCRYPT = { ln: 10, r: 8, p: 1 };

/** A pino logger that keeps its lines, for tests asserting what is logged. */
export function captureLogs(level = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  return { logger, lines };
}

function testClock(start: number): TestClock {
  const clock = (() => clock.now) as TestClock;
  clock.now = start;
  clock.advance = (ms) => { clock.now += ms; };
  return clock;
}

/** The HTTP app over a real SQLite file in a temp folder. Call close() in afterEach/afterAll. */
export async function createTestHttpApp(opts: TestHttpAppOptions = {}): Promise<TestHttpApp> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-'));
  const db = openDatabase(join(dir, 'controller.db'), { synchronous: 'NORMAL' });
  const clock = testClock(opts.now ?? Date.now());
  const users = new UserService({ db: db.db, clock, scrypt: TEST_SCRYPT });
  const audit = createAuditLog({ db: db.db, clock });
  const ctx: TestContext = { db, users, audit, clock };
  const { plugins, now: _now, ...rest } = opts;
  let app: HttpApp | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await app?.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    app = await buildHttpApp({
      logger: { level: 'silent' },
      readiness: async () => ({ ready: true, checks: { db: true } }),
      sessionTtlMs: 3_600_000, // 1 hour
      trustProxy: false,
      dashboardDir: DEFAULT_DASHBOARD_DIR,
      ...rest,
      users,
      audit,
      plugins: typeof plugins === 'function' ? plugins(ctx) : plugins ?? [],
    });
  } catch (err) {
    await close();
    throw err;
  }
  let n = 0;
  return {
    ...ctx,
    app,
    dir,
    close,
    async createUser(role, overrides = {}) {
      n += 1;
      const password = overrides.password ?? `correct horse ${role} ${n}`;
      const user = await users.createUser({
        username: overrides.username ?? `${role}${n}`,
        displayName: overrides.displayName ?? `Test ${role} ${n}`,
        role,
        password,
      });
      return { user, password };
    },
    asSession(user) {
      const { token } = users.createSession(user.id, 3_600_000);
      return { cookie: `${SESSION_COOKIE}=${token}`, origin: TEST_ORIGIN };
    },
    asBearer(user) {
      return { authorization: `Bearer ${users.createApiToken(user.id, { name: 'test' }).token}` };
    },
  };
}
