import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

import { companies, people } from './access.js';

// ── Billing: accounts, and the ledger of issued documents ──────────────────────────────────
//
// An issued invoice or credit note never changes and is never deleted: triggers in the migration
// (0004_billing_ledger.sql) abort any UPDATE or DELETE of `invoices` and `invoice_lines`, and
// refuse lines added to any document but the newest. Each document is chained to the previous
// one by a SHA-256 hash (controller/billing/ledger/canonical.ts); `npm run billing:verify`
// recomputes the chain. Amounts are integer cents; quantities integer thousandths.

/** Who an invoice is addressed to: one row per person or company billed. Editable; invoices keep a snapshot. */
export const billingAccounts = sqliteTable('billing_accounts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['person', 'company'] }).notNull(),
  personId: integer('person_id').references(() => people.id),
  companyId: integer('company_id').references(() => companies.id),
  legalName: text('legal_name').notNull(),
  /** JSON array of address lines (street, building…), postcode and city apart. */
  addressLines: text('address_lines').notNull().default('[]'),
  postcode: text('postcode'),
  city: text('city'),
  /** ISO 3166-1 alpha-2 */
  country: text('country').notNull().default('FR'),
  email: text('email'),
  siren: text('siren'),
  siret: text('siret'),
  vatNumber: text('vat_number'),
  /** A professional buyer: the €40 recovery indemnity applies (Code de commerce L441-10). */
  isBusiness: integer('is_business', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [
  uniqueIndex('billing_accounts_person').on(t.personId),
  uniqueIndex('billing_accounts_company').on(t.companyId),
  check('billing_accounts_kind_ref', sql`(${t.kind} = 'person' AND ${t.personId} IS NOT NULL AND ${t.companyId} IS NULL)
    OR (${t.kind} = 'company' AND ${t.companyId} IS NOT NULL AND ${t.personId} IS NULL)`),
]);

/** Issued invoices and credit notes, one continuous numbering series per calendar year. */
export const invoices = sqliteTable('invoices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** `${year}-${seq padded to 6}`, e.g. 2026-000042 */
  number: text('number').notNull().unique(),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  docType: text('doc_type', { enum: ['invoice', 'credit_note'] }).notNull(),
  accountKind: text('account_kind', { enum: ['person', 'company'] }).notNull(),
  /** The person's or the company's id, after account_kind. */
  accountId: integer('account_id').notNull(),
  /** 'YYYY-MM' billed, or null for a document outside the monthly run. */
  period: text('period'),
  /** YYYY-MM-DD in the building's time zone */
  issueDate: text('issue_date').notNull(),
  /** YYYY-MM-DD; null for credit notes */
  dueDate: text('due_date'),
  currency: text('currency').notNull().default('EUR'),
  /** JSON snapshots, as printed on the document */
  seller: text('seller').notNull(),
  buyer: text('buyer').notNull(),
  /** JSON: payment terms and legal mentions in force when issued; null for credit notes */
  terms: text('terms'),
  totalHtCents: integer('total_ht_cents').notNull(),
  totalVatCents: integer('total_vat_cents').notNull(),
  totalTtcCents: integer('total_ttc_cents').notNull(),
  /** JSON array of { rateBp, baseCents, vatCents }, one per VAT rate */
  vatBreakdown: text('vat_breakdown').notNull(),
  creditedInvoiceId: integer('credited_invoice_id').references((): AnySQLiteColumn => invoices.id),
  /** Why a credit note was issued */
  reason: text('reason'),
  /** Issued while the seller's identity was incomplete: "SPÉCIMEN — sans valeur fiscale" */
  specimen: integer('specimen', { mode: 'boolean' }).notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
  runId: integer('run_id'),
}, (t) => [
  uniqueIndex('invoices_year_seq').on(t.year, t.seq),
  // A re-run of a period cannot invoice an account twice; credit notes are not concerned.
  uniqueIndex('invoices_account_period').on(t.accountKind, t.accountId, t.period).where(sql`doc_type = 'invoice'`),
  index('invoices_issue_date').on(t.issueDate),
  index('invoices_credited').on(t.creditedInvoiceId),
]);

export const invoiceLines = sqliteTable('invoice_lines', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  invoiceId: integer('invoice_id').notNull().references(() => invoices.id),
  /** 1, 2, 3… in print order */
  position: integer('position').notNull(),
  code: text('code').notNull(),
  description: text('description').notNull(),
  personId: integer('person_id'),
  /** Quantity in thousandths of `unit` (1.5 h is 1500): no float drift */
  quantityMilli: integer('quantity_milli').notNull(),
  unit: text('unit').notNull(),
  unitPriceCents: integer('unit_price_cents').notNull(),
  /** Excluding VAT */
  amountCents: integer('amount_cents').notNull(),
  /** 2000 is 20 % */
  vatRateBp: integer('vat_rate_bp').notNull(),
  vatCents: integer('vat_cents').notNull(),
  /** JSON array of { kind, id } usage records the line was computed from */
  evidence: text('evidence').notNull().default('[]'),
}, (t) => [uniqueIndex('invoice_lines_position').on(t.invoiceId, t.position)]);
