import type Database from 'better-sqlite3';
import type { LineUnit } from '../lines.js';
import type { AccountRef, StoredInvoice, StoredLine } from './model.js';

/** Rows of `invoices` and `invoice_lines` to and from the ledger's documents. Read-only helpers. */

export interface InvoiceRow {
  id: number;
  number: string;
  year: number;
  seq: number;
  doc_type: 'invoice' | 'credit_note';
  account_kind: 'person' | 'company';
  account_id: number;
  period: string | null;
  issue_date: string;
  due_date: string | null;
  currency: string;
  seller: string;
  buyer: string;
  terms: string | null;
  total_ht_cents: number;
  total_vat_cents: number;
  total_ttc_cents: number;
  vat_breakdown: string;
  credited_invoice_id: number | null;
  reason: string | null;
  specimen: number;
  prev_hash: string;
  hash: string;
  created_at: number;
  run_id: number | null;
  /** joined */
  credited_number: string | null;
  credited_issue_date: string | null;
}

export interface LineRow {
  invoice_id: number;
  position: number;
  code: string;
  description: string;
  person_id: number | null;
  quantity_milli: number;
  unit: string;
  unit_price_cents: number;
  amount_cents: number;
  vat_rate_bp: number;
  vat_cents: number;
  evidence: string;
}

export const SELECT_INVOICE = `SELECT i.*, c.number AS credited_number, c.issue_date AS credited_issue_date
  FROM invoices i LEFT JOIN invoices c ON c.id = i.credited_invoice_id`;
const SELECT_LINES = `SELECT invoice_id, position, code, description, person_id, quantity_milli, unit, unit_price_cents,
  amount_cents, vat_rate_bp, vat_cents, evidence FROM invoice_lines`;

export function toLine(r: LineRow): StoredLine {
  return {
    position: r.position,
    code: r.code,
    description: r.description,
    personId: r.person_id,
    quantityMilli: r.quantity_milli,
    unit: r.unit as LineUnit,
    unitPriceCents: r.unit_price_cents,
    amountCents: r.amount_cents,
    vatRateBp: r.vat_rate_bp,
    vatCents: r.vat_cents,
    evidence: JSON.parse(r.evidence) as StoredLine['evidence'],
  };
}

export function toInvoice(r: InvoiceRow, lines: StoredLine[]): StoredInvoice {
  return {
    id: r.id,
    number: r.number,
    year: r.year,
    seq: r.seq,
    docType: r.doc_type,
    account: { kind: r.account_kind, id: r.account_id },
    period: r.period,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency as 'EUR',
    seller: JSON.parse(r.seller) as StoredInvoice['seller'],
    buyer: JSON.parse(r.buyer) as StoredInvoice['buyer'],
    terms: r.terms === null ? null : (JSON.parse(r.terms) as StoredInvoice['terms']),
    totals: { htCents: r.total_ht_cents, vatCents: r.total_vat_cents, ttcCents: r.total_ttc_cents },
    vatBreakdown: JSON.parse(r.vat_breakdown) as StoredInvoice['vatBreakdown'],
    credited: r.credited_invoice_id === null
      ? null
      : { id: r.credited_invoice_id, number: r.credited_number ?? '', issueDate: r.credited_issue_date ?? '' },
    reason: r.reason,
    specimen: r.specimen === 1,
    prevHash: r.prev_hash,
    hash: r.hash,
    createdAt: r.created_at,
    runId: r.run_id,
    lines,
  };
}

/** Prepared reads over the ledger's tables. */
export class InvoiceReader {
  readonly #byId: Database.Statement<[number], InvoiceRow>;
  readonly #byNumber: Database.Statement<[string], InvoiceRow>;
  readonly #forPeriod: Database.Statement<[string, number, string], InvoiceRow>;
  readonly #between: Database.Statement<[string, string], InvoiceRow>;
  readonly #forAccount: Database.Statement<[string, number], InvoiceRow>;
  readonly #creditsOf: Database.Statement<[number], InvoiceRow>;
  readonly #lines: Database.Statement<[number], LineRow>;
  readonly #linesBetween: Database.Statement<[number, number], LineRow>;

  constructor(sqlite: Database.Database) {
    this.#byId = sqlite.prepare(`${SELECT_INVOICE} WHERE i.id = ?`);
    this.#byNumber = sqlite.prepare(`${SELECT_INVOICE} WHERE i.number = ?`);
    this.#forPeriod = sqlite.prepare(`${SELECT_INVOICE} WHERE i.account_kind = ? AND i.account_id = ? AND i.period = ? AND i.doc_type = 'invoice'`);
    this.#between = sqlite.prepare(`${SELECT_INVOICE} WHERE i.issue_date >= ? AND i.issue_date <= ? ORDER BY i.id`);
    this.#forAccount = sqlite.prepare(`${SELECT_INVOICE} WHERE i.account_kind = ? AND i.account_id = ? ORDER BY i.id`);
    this.#creditsOf = sqlite.prepare(`${SELECT_INVOICE} WHERE i.credited_invoice_id = ? ORDER BY i.id`);
    this.#lines = sqlite.prepare(`${SELECT_LINES} WHERE invoice_id = ? ORDER BY position`);
    this.#linesBetween = sqlite.prepare(`${SELECT_LINES} WHERE invoice_id BETWEEN ? AND ? ORDER BY invoice_id, position`);
  }

  get(id: number): StoredInvoice | undefined {
    const r = this.#byId.get(id);
    return r === undefined ? undefined : toInvoice(r, this.#lines.all(r.id).map(toLine));
  }

  getByNumber(number: string): StoredInvoice | undefined {
    const r = this.#byNumber.get(number);
    return r === undefined ? undefined : toInvoice(r, this.#lines.all(r.id).map(toLine));
  }

  /** The invoice (not credit note) of an account for a period, if issued. */
  findForPeriod(account: AccountRef, period: string): StoredInvoice | undefined {
    const r = this.#forPeriod.get(account.kind, account.id, period);
    return r === undefined ? undefined : toInvoice(r, this.#lines.all(r.id).map(toLine));
  }

  forAccount(account: AccountRef): StoredInvoice[] {
    return this.#forAccount.all(account.kind, account.id).map((r) => toInvoice(r, this.#lines.all(r.id).map(toLine)));
  }

  creditsOf(invoiceId: number): StoredInvoice[] {
    return this.#creditsOf.all(invoiceId).map((r) => toInvoice(r, this.#lines.all(r.id).map(toLine)));
  }

  /** Documents issued from `from` to `to` inclusive (YYYY-MM-DD), in issue order. */
  between(from: string, to: string): StoredInvoice[] {
    const rows = this.#between.all(from, to);
    if (rows.length === 0) return [];
    // Issue dates grow with ids, so the documents of a date range are one id range: one query for their lines.
    const byInvoice = new Map<number, StoredLine[]>();
    for (const l of this.#linesBetween.all(rows[0]!.id, rows[rows.length - 1]!.id)) {
      let list = byInvoice.get(l.invoice_id);
      if (list === undefined) byInvoice.set(l.invoice_id, (list = []));
      list.push(toLine(l));
    }
    return rows.map((r) => toInvoice(r, byInvoice.get(r.id) ?? []));
  }
}
