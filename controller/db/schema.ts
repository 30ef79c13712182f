import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Devices known to the controller: the building's, plus any an admin provisions. */
export const devices = sqliteTable('devices', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['reader', 'desk', 'meter'] }).notNull(),
  /** scrypt hash of the MQTT secret; null until the device is provisioned */
  secretHash: text('secret_hash'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  online: integer('online', { mode: 'boolean' }).notNull().default(false),
  bootId: text('boot_id'),
  lastSeenAt: integer('last_seen_at'),
  provisionedAt: integer('provisioned_at'),
  createdAt: integer('created_at').notNull(),
});

export const devicePresenceLog = sqliteTable('device_presence_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deviceId: text('device_id').notNull(),
  online: integer('online', { mode: 'boolean' }).notNull(),
  reason: text('reason').notNull(),
  at: integer('at').notNull(),
}, (t) => [index('device_presence_log_device').on(t.deviceId, t.at)]);

/** Every accepted uplink, stored once per (device, boot, seq). */
export const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deviceId: text('device_id').notNull(),
  bootId: text('boot_id').notNull(),
  seq: integer('seq').notNull(),
  kind: text('kind').notNull(),
  deviceTs: integer('device_ts').notNull(),
  receivedAt: integer('received_at').notNull(),
  payload: text('payload').notNull(),
}, (t) => [
  uniqueIndex('events_unique_uplink').on(t.deviceId, t.bootId, t.seq),
  index('events_kind_received').on(t.kind, t.receivedAt),
]);

/** Uplinks that could not be accepted, kept with the reason for a human to look at. */
export const deadLetters = sqliteTable('dead_letters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deviceId: text('device_id'),
  topic: text('topic').notNull(),
  reason: text('reason').notNull(),
  payload: text('payload').notNull(),
  receivedAt: integer('received_at').notNull(),
});

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'manager', 'member'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

/** Browser sessions; the cookie holds a random token, the table only its SHA-256. */
export const httpSessions = sqliteTable('http_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at'),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
});

/** Who did what through the API: provisioning, disabling, rotating secrets, ... */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  detail: text('detail').notNull().default(sql`'{}'`),
});
