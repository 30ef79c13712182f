import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

import { companies, people } from './access.js';

// ── Billing runs: who is on which plan, what was billed, when the monthly run ran ─────────────

/** A plan held by a person or a company (an office) over a stretch of time; fees are prorated by local day. */
export const subscriptions = sqliteTable('subscriptions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The holder: a person, or a company (then person_id is null). */
  personId: integer('person_id').references(() => people.id),
  companyId: integer('company_id').references(() => companies.id),
  /** A plan id of the tariff ('hot-desk', 'office-2', 'nomad'…). */
  planId: text('plan_id').notNull(),
  startsAt: integer('starts_at').notNull(),
  /** Exclusive; null while it runs. */
  endsAt: integer('ends_at'),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('subscriptions_person').on(t.personId), index('subscriptions_company').on(t.companyId)]);

/**
 * Each usage record once a run has rated it for a period (on a line, priced at zero, or left out
 * by a rule), so a re-run rates nothing twice, and a record that arrives after its period was
 * invoiced is found (no row for it) and billed on the next invoice. A session crossing a month end
 * is rated once per period it touches, hence the period in the key.
 */
export const ratedRecords = sqliteTable('rated_records', {
  source: text('source', { enum: ['presence_session', 'booking'] }).notNull(),
  recordId: integer('record_id').notNull(),
  period: text('period').notNull(),
  /** The invoice it went on; null when the account had nothing to bill. */
  invoiceId: integer('invoice_id'),
  runId: integer('run_id').notNull(),
}, (t) => [primaryKey({ columns: [t.source, t.recordId, t.period] })]);

/**
 * Network bytes rated per person and period: hourly totals grow when a meter catches up, so what
 * is tracked is how many bytes were rated, and a later run bills the difference.
 */
export const ratedNetwork = sqliteTable('rated_network', {
  personId: integer('person_id').notNull(),
  period: text('period').notNull(),
  runId: integer('run_id').notNull(),
  bytes: integer('bytes').notNull(),
  invoiceId: integer('invoice_id'),
}, (t) => [primaryKey({ columns: [t.personId, t.period, t.runId] })]);

/** One row per monthly run (scheduled, caught up or asked by a manager). */
export const billingRuns = sqliteTable('billing_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  period: text('period').notNull(),
  trigger: text('trigger', { enum: ['schedule', 'catch-up', 'manual'] }).notNull(),
  by: text('by').notNull(),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
  invoices: integer('invoices').notNull().default(0),
  error: text('error'),
}, (t) => [index('billing_runs_period').on(t.period)]);
