import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../controller/auth/passwords.js';
import { UserError, UserService } from '../../controller/auth/users.js';
import { openDatabase, type OpenDb } from '../../controller/db/open.js';
import { apiTokens, httpSessions, users as usersTable } from '../../controller/db/schema.js';

const HOUR = 3_600_000;
const FAST = { ln: 10, r: 8, p: 1 };

let dir: string;
let db: OpenDb;
let now: number;
let users: UserService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mf-'));
  db = openDatabase(join(dir, 'controller.db'));
  now = 1_800_000_000_000;
  users = new UserService({ db: db.db, clock: () => now, scrypt: FAST });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const alice = { username: 'Alice', displayName: 'Alice Martin', role: 'member' as const, password: 'a long enough secret' };

describe('users', () => {
  it('creates a user with a lower-cased name and never returns the hash', async () => {
    const created = await users.createUser(alice);
    expect(created).toEqual({ id: 1, username: 'alice', displayName: 'Alice Martin', role: 'member', disabled: false, createdAt: now });
    expect(users.listUsers()).toEqual([created]);
  });

  it('refuses short passwords, bad names and duplicates', async () => {
    await expect(users.createUser({ ...alice, password: 'too short' })).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    await expect(users.createUser({ ...alice, username: 'a b' })).rejects.toMatchObject({ code: 'INVALID_USERNAME' });
    await users.createUser(alice);
    await expect(users.createUser({ ...alice, username: 'ALICE' })).rejects.toBeInstanceOf(UserError);
  });

  it('verifies a login and refuses a wrong password, an unknown user and a disabled account', async () => {
    const created = await users.createUser(alice);
    expect(await users.verifyLogin('alice', alice.password)).toEqual({ id: created.id, username: 'alice', role: 'member' });
    expect(await users.verifyLogin('alice', 'wrong password!')).toBeNull();
    expect(await users.verifyLogin('bob', alice.password)).toBeNull();
    db.db.update(usersTable).set({ disabled: true }).where(eq(usersTable.id, created.id)).run();
    expect(await users.verifyLogin('alice', alice.password)).toBeNull();
  });

  it('rehashes at login a password stored with weaker parameters', async () => {
    const weak = new UserService({ db: db.db, clock: () => now, scrypt: { ln: 10, r: 4, p: 1 } });
    await weak.createUser(alice);
    expect(await users.verifyLogin('alice', alice.password)).not.toBeNull();
    const { passwordHash } = db.db.select().from(usersTable).get()!;
    expect(passwordHash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword(alice.password, passwordHash)).toBe(true);
  });
});

describe('sessions', () => {
  it('stores only the hash of the token and expires after the TTL', async () => {
    const { id } = await users.createUser(alice);
    const { token, expiresAt } = users.createSession(id, HOUR);
    expect(expiresAt).toBe(now + HOUR);
    const rows = db.db.select().from(httpSessions).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(users.resolveSession(token)).toMatchObject({ id, username: 'alice' });
    expect(users.resolveSession('forged')).toBeNull();
    now += HOUR;
    expect(users.resolveSession(token)).toBeNull();
    expect(db.db.select().from(httpSessions).all()).toHaveLength(0);
  });

  it('ends on delete, and the purge removes expired ones', async () => {
    const { id } = await users.createUser(alice);
    const a = users.createSession(id, HOUR);
    users.createSession(id, 2 * HOUR);
    users.deleteSession(a.token);
    expect(users.resolveSession(a.token)).toBeNull();
    now += HOUR + 1;
    expect(users.purgeExpiredSessions()).toBe(0);
    now += HOUR;
    expect(users.purgeExpiredSessions()).toBe(1);
  });
});

describe('API tokens', () => {
  it('resolves until revoked, records last use to the minute', async () => {
    const { id } = await users.createUser(alice);
    const created = users.createApiToken(id, { name: 'script' });
    expect(created).toMatchObject({ name: 'script', expiresAt: null, lastUsedAt: null, revokedAt: null });
    expect(users.resolveApiToken(created.token)).toMatchObject({ id, role: 'member' });
    const lastUsed = () => db.db.select().from(apiTokens).get()!.lastUsedAt;
    expect(lastUsed()).toBe(now);
    const first = now;
    now += 30_000;
    users.resolveApiToken(created.token);
    expect(lastUsed()).toBe(first);
    now += 30_000;
    users.resolveApiToken(created.token);
    expect(lastUsed()).toBe(now);
    expect(users.revokeApiToken(created.id, { id, username: 'alice', role: 'member' })).toBe(true);
    expect(users.resolveApiToken(created.token)).toBeNull();
    expect(users.revokeApiToken(created.id, { id, username: 'alice', role: 'member' })).toBe(false);
  });

  it('expires, and only its owner or an admin may revoke it', async () => {
    const owner = await users.createUser(alice);
    const other = await users.createUser({ ...alice, username: 'bob' });
    const admin = await users.createUser({ ...alice, username: 'root', role: 'admin' });
    const t = users.createApiToken(owner.id, { name: 'short', ttlMs: HOUR });
    expect(t.expiresAt).toBe(now + HOUR);
    expect(users.revokeApiToken(t.id, other)).toBe(false);
    expect(users.resolveApiToken(t.token)).not.toBeNull();
    now += HOUR;
    expect(users.resolveApiToken(t.token)).toBeNull();
    expect(users.revokeApiToken(t.id, admin)).toBe(true);
    expect(users.listApiTokens(owner.id)).toEqual([expect.objectContaining({ id: t.id, revokedAt: now })]);
  });
});

describe('ensureFirstAdmin', () => {
  it('generates a password once, on an empty database only', async () => {
    const first = await users.ensureFirstAdmin();
    expect(first).toMatchObject({ created: true, generated: true });
    if (!first.created) throw new Error('unreachable');
    expect(first.password.length).toBeGreaterThanOrEqual(12);
    expect(await users.verifyLogin('admin', first.password)).toMatchObject({ username: 'admin', role: 'admin' });
    expect(await users.ensureFirstAdmin()).toEqual({ created: false });
    expect(await users.ensureFirstAdmin('another long password')).toEqual({ created: false });
    expect(users.listUsers()).toHaveLength(1);
  });

  it('uses the configured password when there is one', async () => {
    expect(await users.ensureFirstAdmin('configured password')).toEqual({ created: true, password: 'configured password', generated: false });
    expect(await users.verifyLogin('admin', 'configured password')).not.toBeNull();
  });

  it('does nothing when users exist', async () => {
    await users.createUser(alice);
    expect(await users.ensureFirstAdmin()).toEqual({ created: false });
  });
});
