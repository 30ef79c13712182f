import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

import { users } from './auth.js';

// ── Access control ──────────────────────────────────────────────────────────────────────────

/** Billing accounts that group people (company residents). */
export const companies = sqliteTable('companies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

export const people = sqliteTable('people', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['member', 'resident', 'trainee', 'staff', 'visitor'] }).notNull(),
  name: text('name').notNull(),
  email: text('email'),
  companyId: integer('company_id').references(() => companies.id),
  /** The login of this person, when they have one. */
  userId: integer('user_id').references(() => users.id),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
});

export const credentials = sqliteTable('credentials', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  personId: integer('person_id').notNull().references(() => people.id),
  uid: text('uid').notNull().unique(),
  pinHash: text('pin_hash'),
  status: text('status', { enum: ['active', 'suspended', 'lost', 'stolen'] }).notNull().default('active'),
  validFrom: integer('valid_from'),
  validUntil: integer('valid_until'),
  createdAt: integer('created_at').notNull(),
  statusChangedAt: integer('status_changed_at'),
}, (t) => [index('credentials_person').on(t.personId)]);

export const schedules = sqliteTable('schedules', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** JSON array of weekly slots { days, from, to } in the building's local time */
  slots: text('slots').notNull(),
  openOnHolidays: integer('open_on_holidays', { mode: 'boolean' }).notNull().default(false),
});

export const accessGroups = sqliteTable('access_groups', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
});

export const accessGrants = sqliteTable('access_grants', {
  groupId: integer('group_id').notNull().references(() => accessGroups.id, { onDelete: 'cascade' }),
  zoneId: text('zone_id').notNull(),
  scheduleId: integer('schedule_id').notNull().references(() => schedules.id),
}, (t) => [primaryKey({ columns: [t.groupId, t.zoneId, t.scheduleId] })]);

export const groupMemberships = sqliteTable('group_memberships', {
  personId: integer('person_id').notNull().references(() => people.id),
  groupId: integer('group_id').notNull().references(() => accessGroups.id, { onDelete: 'cascade' }),
  validFrom: integer('valid_from'),
  validUntil: integer('valid_until'),
}, (t) => [primaryKey({ columns: [t.personId, t.groupId] })]);

/** Closure days of the centre; French public holidays are computed, not stored. */
export const closures = sqliteTable('closures', {
  date: text('date').primaryKey(),
  name: text('name').notNull(),
});

export const trainingSessions = sqliteTable('training_sessions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  zoneId: text('zone_id').notNull(),
  name: text('name').notNull(),
  startsAt: integer('starts_at').notNull(),
  endsAt: integer('ends_at').notNull(),
});

export const trainingEnrollments = sqliteTable('training_enrollments', {
  sessionId: integer('session_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
  personId: integer('person_id').notNull().references(() => people.id),
}, (t) => [primaryKey({ columns: [t.sessionId, t.personId] })]);

export const visitorPasses = sqliteTable('visitor_passes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  personId: integer('person_id').notNull().references(() => people.id),
  hostPersonId: integer('host_person_id').notNull().references(() => people.id),
  validFrom: integer('valid_from').notNull(),
  validUntil: integer('valid_until').notNull(),
  maxUses: integer('max_uses'),
  uses: integer('uses').notNull().default(0),
  /** JSON array of zone ids */
  zoneIds: text('zone_ids').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const doorPolicies = sqliteTable('door_policies', {
  doorId: text('door_id').primaryKey(),
  mode: text('mode', { enum: ['normal', 'unlocked', 'locked'] }).notNull().default('normal'),
  /** JSON array of weekly slots during which the door is unlocked for everyone */
  unlockSlots: text('unlock_slots').notNull().default('[]'),
  updatedBy: text('updated_by'),
  updatedAt: integer('updated_at'),
});

/** Every emergency mode ever set; the current one is the last row not ended. */
export const emergencies = sqliteTable('emergencies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  mode: text('mode', { enum: ['lockdown', 'evacuation'] }).notNull(),
  reason: text('reason').notNull(),
  setBy: text('set_by').notNull(),
  setAt: integer('set_at').notNull(),
  revertAt: integer('revert_at'),
  endedBy: text('ended_by'),
  endedAt: integer('ended_at'),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Every access decision, with its reason, the credential, the person, the door and both times. */
export const accessDecisions = sqliteTable('access_decisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  eventId: integer('event_id'),
  at: integer('at').notNull(),
  deviceTs: integer('device_ts'),
  doorId: text('door_id').notNull(),
  deviceId: text('device_id'),
  uid: text('uid'),
  credentialId: integer('credential_id'),
  personId: integer('person_id'),
  grant: integer('grant', { mode: 'boolean' }).notNull(),
  reason: text('reason').notNull(),
  source: text('source', { enum: ['controller', 'offline', 'remote'] }).notNull(),
  alert: text('alert'),
}, (t) => [index('access_decisions_at').on(t.at), index('access_decisions_person').on(t.personId, t.at)]);

/** A grant becomes a passage only when the door contact confirms the door opened. */
export const passages = sqliteTable('passages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  decisionId: integer('decision_id').notNull(),
  doorId: text('door_id').notNull(),
  personId: integer('person_id'),
  fromZone: text('from_zone').notNull(),
  toZone: text('to_zone').notNull(),
  at: integer('at').notNull(),
}, (t) => [index('passages_person').on(t.personId, t.at), index('passages_at').on(t.at)]);

export const alarms = sqliteTable('alarms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['forced', 'held', 'anti_passback'] }).notNull(),
  doorId: text('door_id').notNull(),
  detail: text('detail').notNull().default(''),
  raisedAt: integer('raised_at').notNull(),
  ackedBy: text('acked_by'),
  ackedAt: integer('acked_at'),
  comment: text('comment'),
}, (t) => [index('alarms_open').on(t.ackedAt, t.raisedAt)]);

/** Where anti-passback believes each person is (main entrance only). */
export const passback = sqliteTable('passback', {
  personId: integer('person_id').primaryKey(),
  side: text('side', { enum: ['inside', 'outside'] }).notNull(),
  at: integer('at').notNull(),
});
