import type Database from 'better-sqlite3';
import { addDays, localParts } from '../../access/local-time.js';
import type { SellerConfig } from '../../config.js';
import type { InvoiceLineInput } from '../lines.js';
import { documentHash, GENESIS_HASH } from './canonical.js';
import {
  LedgerError, type AccountRef, type Buyer, type DocType, type PaymentTerms, type Seller, type StoredInvoice, type StoredLine,
} from './model.js';
import { toStoredLine, totalsOf, vatOf } from './money.js';
import { sellerFromConfig, sellerMissing } from './seller.js';
import { InvoiceReader } from './store.js';
import { verifyChain, type ChainReport } from './verify.js';

export const ledgerDefaults = {
  dueDays: 30, // due date = issue date + 30 days (Code de commerce L441-10 allows at most 60)
  latePenalty: "En cas de retard de paiement, pénalités de retard au taux de trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
  recoveryIndemnityCents: 4000, // €40 fixed recovery indemnity, business buyers only (L441-10, D441-5)
  earlyPaymentDiscount: "Pas d'escompte pour paiement anticipé.",
};

export interface LedgerDeps {
  sqlite: Database.Database;
  /** Epoch ms; the issue date is its date in `timeZone`. */
  clock: () => number;
  /** The building's IANA time zone: issue dates and the calendar year of the numbering series. */
  timeZone: string;
  /** config.seller */
  seller: SellerConfig;
  terms?: Partial<typeof ledgerDefaults>;
}

export interface IssueInput {
  account: AccountRef;
  /** 'YYYY-MM', or null for a document outside the monthly run (no uniqueness then). */
  period: string | null;
  /** Snapshot printed on the invoice, e.g. BillingAccounts.buyerFor(account). */
  buyer: Buyer;
  lines: readonly InvoiceLineInput[];
  runId?: number | null;
  /** Defaults to the configured seller. */
  seller?: Seller;
}

type Draft = Omit<StoredInvoice, 'id' | 'hash' | 'prevHash' | 'number' | 'year' | 'seq' | 'issueDate' | 'dueDate' | 'createdAt' | 'terms'>
  & { dueDays: number | null; terms: PaymentTerms | null };

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
export const formatNumber = (year: number, seq: number): string => `${year}-${String(seq).padStart(6, '0')}`;

/**
 * The ledger of issued invoices and credit notes: numbering, VAT, totals, the hash chain.
 * Every document is written in one BEGIN IMMEDIATE transaction that takes SQLite's write lock
 * before reading the last number and hash, so concurrent issuers (threads, processes) queue and
 * the series per calendar year has no gap and no duplicate: a rolled-back transaction takes its
 * number with it. One series for invoices and credit notes alike, `YYYY-NNNNNN`.
 */
export class Ledger {
  readonly reader: InvoiceReader;
  readonly #terms: typeof ledgerDefaults;
  readonly #seller: Seller;
  readonly #tx: { immediate: (fn: () => StoredInvoice) => StoredInvoice };
  readonly #last: Database.Statement<[], { hash: string; issue_date: string }>;
  readonly #nextSeq: Database.Statement<[number], { seq: number }>;
  readonly #insert: Database.Statement<[Record<string, unknown>], { id: number }>;
  readonly #insertLine: Database.Statement<[Record<string, unknown>]>;

  constructor(private readonly deps: LedgerDeps) {
    const { sqlite } = deps;
    this.reader = new InvoiceReader(sqlite);
    this.#terms = { ...ledgerDefaults, ...deps.terms };
    this.#seller = sellerFromConfig(deps.seller);
    this.#tx = sqlite.transaction((fn: () => StoredInvoice) => fn());
    this.#last = sqlite.prepare('SELECT hash, issue_date FROM invoices ORDER BY id DESC LIMIT 1');
    this.#nextSeq = sqlite.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM invoices WHERE year = ?');
    this.#insert = sqlite.prepare(
      `INSERT INTO invoices (number, year, seq, doc_type, account_kind, account_id, period, issue_date, due_date, currency, seller, buyer, terms,
         total_ht_cents, total_vat_cents, total_ttc_cents, vat_breakdown, credited_invoice_id, reason, specimen, prev_hash, hash, created_at, run_id)
       VALUES (@number, @year, @seq, @docType, @accountKind, @accountId, @period, @issueDate, @dueDate, @currency, @seller, @buyer, @terms,
         @ht, @vat, @ttc, @vatBreakdown, @creditedId, @reason, @specimen, @prevHash, @hash, @createdAt, @runId) RETURNING id`,
    );
    this.#insertLine = sqlite.prepare(
      `INSERT INTO invoice_lines (invoice_id, position, code, description, person_id, quantity_milli, unit, unit_price_cents, amount_cents, vat_rate_bp, vat_cents, evidence)
       VALUES (@invoiceId, @position, @code, @description, @personId, @quantityMilli, @unit, @unitPriceCents, @amountCents, @vatRateBp, @vatCents, @evidence)`,
    );
  }

  /** The seller documents are issued with now, and whether they are specimens. */
  get seller(): { seller: Seller; specimen: boolean } {
    return { seller: this.#seller, specimen: sellerMissing(this.#seller).length > 0 };
  }

  /**
   * Issues an invoice. Throws LedgerError: 'already_issued' (with `existing`) when the account already
   * has an invoice for the period, 'invalid_line', 'no_lines', 'negative_total', 'clock_backwards'.
   */
  issue(input: IssueInput): StoredInvoice {
    if (input.period !== null && !PERIOD.test(input.period)) throw new RangeError(`period must be YYYY-MM, got ${input.period}`);
    if (input.lines.length === 0) throw new LedgerError('no_lines', 'an invoice needs at least one line');
    const b = input.buyer as Partial<Buyer> | undefined;
    if (typeof b?.name !== 'string' || b.name.trim() === '' || !Array.isArray(b.address?.lines) || typeof b.isBusiness !== 'boolean') {
      throw new RangeError('the buyer needs a name, an address (lines may be empty) and isBusiness: use BillingAccounts.buyerFor(account)');
    }
    const lines = input.lines.map((l, i) => toStoredLine(l, i + 1));
    const { totals, vatBreakdown } = totalsOf(lines);
    if (totals.ttcCents < 0) throw new LedgerError('negative_total', `the invoice total would be ${totals.ttcCents} cents: issue a credit note instead`);
    const seller = input.seller ?? this.#seller;
    return this.#tx.immediate(() => {
      if (input.period !== null) {
        const existing = this.reader.findForPeriod(input.account, input.period);
        if (existing !== undefined) {
          throw new LedgerError('already_issued', `${input.account.kind} ${input.account.id} already has invoice ${existing.number} for ${input.period}`, existing);
        }
      }
      return this.#append({
        docType: 'invoice', account: input.account, period: input.period, currency: 'EUR', seller, buyer: input.buyer,
        dueDays: this.#terms.dueDays,
        terms: {
          dueDays: this.#terms.dueDays,
          latePenalty: this.#terms.latePenalty,
          recoveryIndemnityCents: input.buyer.isBusiness ? this.#terms.recoveryIndemnityCents : null,
          earlyPaymentDiscount: this.#terms.earlyPaymentDiscount,
        },
        totals, vatBreakdown, credited: null, reason: null,
        specimen: sellerMissing(seller).length > 0, runId: input.runId ?? null, lines,
      });
    });
  }

  /**
   * Issues a credit note for an invoice. `lines` says what is credited, as it appeared on the
   * invoice (positive amounts, the contract of billing/lines.ts); the credit note stores them
   * negated. 'full' credits every line of the invoice. The credit notes of an invoice may never
   * exceed it, in total and per VAT rate ('over_credit').
   */
  creditNote(invoiceId: number, credit: readonly InvoiceLineInput[] | 'full', reason: string, opts: { runId?: number | null } = {}): StoredInvoice {
    if (reason.trim() === '') throw new RangeError('a credit note needs a reason');
    return this.#tx.immediate(() => {
      const inv = this.reader.get(invoiceId);
      if (inv === undefined) throw new LedgerError('not_found', `no invoice ${invoiceId}`);
      if (inv.docType !== 'invoice') throw new LedgerError('not_creditable', `${inv.number} is a credit note; only invoices are credited`);
      const lines: StoredLine[] = credit === 'full'
        ? inv.lines.map((l) => ({
          ...l, quantityMilli: -l.quantityMilli || 0, amountCents: -l.amountCents || 0, vatCents: vatOf(-l.amountCents, l.vatRateBp),
          evidence: l.evidence.map((e) => ({ ...e })),
        }))
        : credit.map((l, i) => toStoredLine(l, i + 1, -1));
      if (lines.length === 0) throw new LedgerError('no_lines', 'a credit note needs at least one line');
      const { totals, vatBreakdown } = totalsOf(lines);
      this.#checkCredit(inv, totals.ttcCents, vatBreakdown);
      return this.#append({
        docType: 'credit_note', account: inv.account, period: inv.period, currency: 'EUR', seller: this.#seller, buyer: inv.buyer,
        dueDays: null, terms: null, totals, vatBreakdown,
        credited: { id: inv.id, number: inv.number, issueDate: inv.issueDate }, reason,
        specimen: inv.specimen || sellerMissing(this.#seller).length > 0, runId: opts.runId ?? null, lines,
      });
    });
  }

  /** What is left to credit on an invoice (TTC and HT per rate), after its credit notes. */
  creditable(invoiceId: number): { ttcCents: number; baseByRate: Map<number, number> } | undefined {
    const inv = this.reader.get(invoiceId);
    if (inv === undefined || inv.docType !== 'invoice') return undefined;
    let ttc = inv.totals.ttcCents;
    const base = new Map(inv.vatBreakdown.map((e) => [e.rateBp, e.baseCents]));
    for (const c of this.reader.creditsOf(inv.id)) {
      ttc += c.totals.ttcCents;
      for (const e of c.vatBreakdown) base.set(e.rateBp, (base.get(e.rateBp) ?? 0) + e.baseCents);
    }
    return { ttcCents: ttc, baseByRate: base };
  }

  #checkCredit(inv: StoredInvoice, ttcCents: number, breakdown: StoredInvoice['vatBreakdown']): void {
    const left = this.creditable(inv.id);
    if (left === undefined) throw new LedgerError('not_found', `no invoice ${inv.id}`);
    if (ttcCents > 0) throw new LedgerError('invalid_line', 'a credit note cannot add to what the buyer owes');
    if (-ttcCents > left.ttcCents) {
      throw new LedgerError('over_credit', `${inv.number}: crediting ${-ttcCents} cents TTC but only ${left.ttcCents} are left to credit`);
    }
    for (const e of breakdown) {
      const base = left.baseByRate.get(e.rateBp) ?? 0;
      if (-e.baseCents > base) {
        throw new LedgerError('over_credit', `${inv.number}: crediting ${-e.baseCents} cents HT at ${e.rateBp / 100} % but only ${base} are left at that rate`);
      }
    }
  }

  get(id: number): StoredInvoice | undefined {
    return this.reader.get(id);
  }

  getByNumber(number: string): StoredInvoice | undefined {
    return this.reader.getByNumber(number);
  }

  findForPeriod(account: AccountRef, period: string): StoredInvoice | undefined {
    return this.reader.findForPeriod(account, period);
  }

  /** Documents issued from `from` to `to` inclusive (YYYY-MM-DD), in issue order: the accountant's export. */
  between(from: string, to: string): StoredInvoice[] {
    return this.reader.between(from, to);
  }

  verifyChain(): ChainReport {
    return verifyChain(this.deps.sqlite);
  }

  /** Numbers, dates, chains and inserts a document; runs inside the IMMEDIATE transaction. */
  #append(draft: Draft): StoredInvoice {
    const createdAt = this.deps.clock();
    const issueDate = localParts(createdAt, this.deps.timeZone).date;
    const last = this.#last.get();
    if (last !== undefined && issueDate < last.issue_date) {
      throw new LedgerError('clock_backwards', `today (${issueDate}) is before the last document's issue date (${last.issue_date})`);
    }
    const year = Number(issueDate.slice(0, 4));
    const seq = (this.#nextSeq.get(year) as { seq: number }).seq;
    const { dueDays, ...rest } = draft;
    const doc: Omit<StoredInvoice, 'id' | 'hash'> = {
      ...rest,
      number: formatNumber(year, seq), year, seq, issueDate,
      dueDate: dueDays === null ? null : addDays(issueDate, dueDays),
      prevHash: last?.hash ?? GENESIS_HASH,
      createdAt,
    };
    const hash = documentHash(doc);
    const { id } = this.#insert.get({
      number: doc.number, year, seq, docType: doc.docType as DocType, accountKind: doc.account.kind, accountId: doc.account.id,
      period: doc.period, issueDate, dueDate: doc.dueDate, currency: doc.currency,
      seller: JSON.stringify(doc.seller), buyer: JSON.stringify(doc.buyer), terms: doc.terms === null ? null : JSON.stringify(doc.terms),
      ht: doc.totals.htCents, vat: doc.totals.vatCents, ttc: doc.totals.ttcCents, vatBreakdown: JSON.stringify(doc.vatBreakdown),
      creditedId: doc.credited?.id ?? null, reason: doc.reason, specimen: doc.specimen ? 1 : 0,
      prevHash: doc.prevHash, hash, createdAt, runId: doc.runId,
    }) as { id: number };
    for (const l of doc.lines) {
      this.#insertLine.run({ invoiceId: id, ...l, evidence: JSON.stringify(l.evidence) });
    }
    // As stored (JSON round trip: no shared references, no undefined keys), without reading it back.
    return JSON.parse(JSON.stringify({ id, ...doc, hash })) as StoredInvoice;
  }
}
