import { and, asc, count, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { apiTokens, httpSessions, users } from '../db/schema.js';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './passwords.js';
import { isRole, type AuthUser, type Role } from './roles.js';
import { generateToken, hashToken } from './tokens.js';

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,31}$';
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024; // bounds the hashing work one request can ask for
const USERNAME_RE = new RegExp(USERNAME_PATTERN);
// A bearer token used every second would otherwise cost one fsync per request (synchronous=FULL):
// "last used" to the minute is all an admin needs to spot a dead token.
const LAST_USED_RESOLUTION_MS = 60_000; // 1 minute
const FIRST_ADMIN = 'admin';

export type UserErrorCode = 'USERNAME_TAKEN' | 'INVALID_USERNAME' | 'WEAK_PASSWORD' | 'INVALID_ROLE';

/** A refusal the caller can show to a human; the HTTP layer turns it into a 4xx. */
export class UserError extends Error {
  constructor(readonly code: UserErrorCode, message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface PublicUser extends AuthUser {
  displayName: string;
  disabled: boolean;
  createdAt: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export interface ApiTokenInfo {
  id: number;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export type FirstAdminResult = { created: false } | { created: true; password: string; generated: boolean };

export interface UserServiceOptions {
  db: Db;
  /** milliseconds since the epoch */
  clock: () => number;
  /** Tests lower the cost; production keeps the default. */
  scrypt?: ScryptParams;
}

const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
};

export class UserService {
  readonly #db: Db;
  readonly #clock: () => number;
  readonly #scrypt: ScryptParams;
  #dummyHash: Promise<string> | undefined;

  constructor(opts: UserServiceOptions) {
    this.#db = opts.db;
    this.#clock = opts.clock;
    this.#scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
  }

  async createUser(input: NewUser): Promise<PublicUser> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_RE.test(username)) {
      throw new UserError('INVALID_USERNAME', 'username: 2 to 32 characters among a-z, 0-9, ".", "_" and "-", starting with a letter or digit');
    }
    if (!isRole(input.role)) throw new UserError('INVALID_ROLE', 'role: must be admin, manager or member');
    checkPassword(input.password);
    if (this.#findByUsername(username)) throw new UserError('USERNAME_TAKEN', `username ${username} is already taken`);
    const passwordHash = await hashPassword(input.password, this.#scrypt);
    try {
      return this.#db.insert(users).values({
        username,
        displayName: input.displayName.trim() || username,
        role: input.role,
        passwordHash,
        createdAt: this.#clock(),
      }).returning(publicColumns).get();
    } catch (err) {
      // Two creations racing past the check above while the hash was computed.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UserError('USERNAME_TAKEN', `username ${username} is already taken`);
      }
      throw err;
    }
  }

  listUsers(): PublicUser[] {
    return this.#db.select(publicColumns).from(users).orderBy(asc(users.id)).all();
  }

  /** null for an unknown user, a wrong password or a disabled account: the caller cannot tell which. */
  async verifyLogin(username: string, password: string): Promise<AuthUser | null> {
    const row = this.#findByUsername(username.trim().toLowerCase());
    if (!row) {
      // Spend the same time as for a real user, so response times do not reveal who exists.
      await verifyPassword(password, await this.#dummy());
      return null;
    }
    const ok = await verifyPassword(password, row.passwordHash);
    if (!ok || row.disabled) return null;
    if (needsRehash(row.passwordHash, this.#scrypt)) {
      const passwordHash = await hashPassword(password, this.#scrypt);
      this.#db.update(users).set({ passwordHash }).where(eq(users.id, row.id)).run();
    }
    return { id: row.id, username: row.username, role: row.role };
  }

  createSession(userId: number, ttlMs: number): { token: string; expiresAt: number } {
    const token = generateToken();
    const now = this.#clock();
    const expiresAt = now + ttlMs;
    this.#db.insert(httpSessions).values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt }).run();
    return { token, expiresAt };
  }

  resolveSession(token: string): AuthUser | null {
    const tokenHash = hashToken(token);
    const row = this.#db
      .select({ id: users.id, username: users.username, role: users.role, disabled: users.disabled, expiresAt: httpSessions.expiresAt })
      .from(httpSessions)
      .innerJoin(users, eq(users.id, httpSessions.userId))
      .where(eq(httpSessions.tokenHash, tokenHash))
      .get();
    if (!row) return null;
    if (row.expiresAt <= this.#clock()) {
      this.#db.delete(httpSessions).where(eq(httpSessions.tokenHash, tokenHash)).run();
      return null;
    }
    return row.disabled ? null : { id: row.id, username: row.username, role: row.role };
  }

  deleteSession(token: string): void {
    this.#db.delete(httpSessions).where(eq(httpSessions.tokenHash, hashToken(token))).run();
  }

  /** For a periodic job: expired sessions are otherwise only removed when presented. */
  purgeExpiredSessions(): number {
    return this.#db.delete(httpSessions).where(lt(httpSessions.expiresAt, this.#clock())).run().changes;
  }

  /** The raw token is returned here and never again: only its hash is stored. No ttlMs: no expiry. */
  createApiToken(userId: number, opts: { name: string; ttlMs?: number }): ApiTokenInfo & { token: string } {
    const token = generateToken();
    const now = this.#clock();
    const row = this.#db.insert(apiTokens).values({
      userId,
      name: opts.name,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: opts.ttlMs === undefined ? null : now + opts.ttlMs,
    }).returning(tokenColumns).get();
    return { ...row, token };
  }

  listApiTokens(userId: number): ApiTokenInfo[] {
    return this.#db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(asc(apiTokens.id)).all();
  }

  resolveApiToken(token: string): AuthUser | null {
    const row = this.#db
      .select({
        tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, lastUsedAt: apiTokens.lastUsedAt,
        id: users.id, username: users.username, role: users.role, disabled: users.disabled,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
      .get();
    const now = this.#clock();
    if (!row || row.disabled || (row.expiresAt !== null && row.expiresAt <= now)) return null;
    if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      this.#db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
    }
    return { id: row.id, username: row.username, role: row.role };
  }

  /** A user revokes their own tokens; an admin may revoke anyone's. false when there is no such token for them. */
  revokeApiToken(tokenId: number, by: AuthUser): boolean {
    const owned = by.role === 'admin' ? undefined : eq(apiTokens.userId, by.id);
    const result = this.#db.update(apiTokens)
      .set({ revokedAt: this.#clock() })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt), owned))
      .run();
    return result.changes > 0;
  }

  /**
   * On a fresh database, creates the `admin` user so someone can log in at all. The password is
   * the configured one, or a generated one that the caller must show once (it is not stored).
   */
  async ensureFirstAdmin(passwordFromConfig?: string): Promise<FirstAdminResult> {
    if (this.#userCount() > 0) return { created: false };
    const generated = passwordFromConfig === undefined;
    const password = passwordFromConfig ?? generateToken(18); // 144 bits, 24 characters
    checkPassword(password);
    const passwordHash = await hashPassword(password, this.#scrypt);
    // Checked again inside the transaction: another start may have created it while we hashed.
    const created = this.#db.transaction((tx) => {
      if (tx.select({ n: count() }).from(users).get()!.n > 0) return false;
      tx.insert(users).values({
        username: FIRST_ADMIN, displayName: 'Administrator', role: 'admin', passwordHash, createdAt: this.#clock(),
      }).run();
      return true;
    }, { behavior: 'immediate' });
    return created ? { created: true, password, generated } : { created: false };
  }

  #findByUsername(username: string) {
    return this.#db.select().from(users).where(eq(users.username, username)).get();
  }

  #userCount(): number {
    return this.#db.select({ n: count() }).from(users).get()!.n;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(generateToken(), this.#scrypt);
    return this.#dummyHash;
  }
}

const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw new UserError('WEAK_PASSWORD', `password: at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw new UserError('WEAK_PASSWORD', `password: at most ${PASSWORD_MAX} characters`);
}
