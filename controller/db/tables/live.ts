import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// ── Live building: presence, desks, network usage ──────────────────────────────────────────

/** A person's stay in the building, from entry to exit (or the nightly cut-off, or a correction). */
export const presenceSessions = sqliteTable('presence_sessions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  personId: integer('person_id').notNull(),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
  endReason: text('end_reason', { enum: ['exit', 'cutoff', 'manual'] }),
  lastSignalAt: integer('last_signal_at').notNull(),
}, (t) => [index('presence_sessions_person').on(t.personId, t.startedAt), index('presence_sessions_open').on(t.endedAt)]);

export const presenceCorrections = sqliteTable('presence_corrections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sessionId: integer('session_id').notNull(),
  by: text('by').notNull(),
  why: text('why').notNull(),
  at: integer('at').notNull(),
  before: text('before').notNull(),
  after: text('after').notNull(),
});

export const deskStates = sqliteTable('desk_states', {
  deskId: text('desk_id').primaryKey(),
  occupied: integer('occupied', { mode: 'boolean' }).notNull(),
  battery: integer('battery'),
  changedAt: integer('changed_at').notNull(),
});

/** Each stretch of time a desk was occupied, for utilisation. */
export const deskOccupancy = sqliteTable('desk_occupancy', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deskId: text('desk_id').notNull(),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
}, (t) => [index('desk_occupancy_desk').on(t.deskId, t.startedAt)]);

/** A member saying "this is my desk today": their desk's occupancy keeps them present. */
export const deskCheckins = sqliteTable('desk_checkins', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deskId: text('desk_id').notNull(),
  personId: integer('person_id').notNull(),
  at: integer('at').notNull(),
}, (t) => [index('desk_checkins_person').on(t.personId, t.at)]);

/** Laptops and phones registered to a person, by MAC address, as the meters name their ports. */
export const networkDevices = sqliteTable('network_devices', {
  mac: text('mac').primaryKey(),
  personId: integer('person_id').notNull(),
  label: text('label').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** The last reading of each meter port, so deltas survive a restart. */
export const netCounterState = sqliteTable('net_counter_state', {
  meterId: text('meter_id').notNull(),
  port: text('port').notNull(),
  rx: text('rx').notNull(),
  tx: text('tx').notNull(),
  width: integer('width').notNull(),
  bootId: text('boot_id').notNull(),
  uptimeS: integer('uptime_s').notNull(),
  at: integer('at').notNull(),
}, (t) => [primaryKey({ columns: [t.meterId, t.port] })]);

/** Bytes per hour and per subject (a person, an office zone, the uplink, or unattributed). */
export const netUsageHourly = sqliteTable('net_usage_hourly', {
  hour: integer('hour').notNull(),
  subjectType: text('subject_type', { enum: ['person', 'zone', 'uplink', 'unattributed'] }).notNull(),
  subjectId: text('subject_id').notNull(),
  rxBytes: integer('rx_bytes').notNull(),
  txBytes: integer('tx_bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.hour, t.subjectType, t.subjectId] })]);

/** When each scheduled job last ran for which period: a missed run is caught up at start. */
export const jobRuns = sqliteTable('job_runs', {
  job: text('job').notNull(),
  period: text('period').notNull(),
  ranAt: integer('ran_at').notNull(),
}, (t) => [primaryKey({ columns: [t.job, t.period] })]);
