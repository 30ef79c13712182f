import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
