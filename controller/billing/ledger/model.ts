import type { Evidence, LineUnit } from '../lines.js';

/** Who is billed: a person (member) or a company (its people's usage). */
export interface AccountRef {
  kind: 'person' | 'company';
  /** people.id or companies.id */
  id: number;
}

export interface PostalAddress {
  lines: string[];
  postcode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2 */
  country: string;
}

/** The seller as printed on a document (a snapshot: later config changes do not touch it). */
export interface Seller {
  name: string;
  legalForm: string | null;
  address: PostalAddress;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  iban: string | null;
  bic: string | null;
  email: string | null;
}

/** The buyer as printed on a document. */
export interface Buyer {
  name: string;
  address: PostalAddress;
  email: string | null;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  /** A professional: the €40 recovery indemnity is printed (Code de commerce L441-10, D441-5). */
  isBusiness: boolean;
}

/** Payment terms and the legal mentions that go with them, as in force when the invoice was issued. */
export interface PaymentTerms {
  /** Due date = issue date + dueDays */
  dueDays: number;
  /** Late-payment penalty rate, in words (Code de commerce L441-10). */
  latePenalty: string;
  /** €40 (4000) for a business buyer, null for a consumer. */
  recoveryIndemnityCents: number | null;
  /** Early-payment discount conditions (L441-9): usually none. */
  earlyPaymentDiscount: string;
}

export interface VatBreakdownEntry {
  /** 2000 is 20 % */
  rateBp: number;
  baseCents: number;
  vatCents: number;
}

export interface Totals {
  htCents: number;
  vatCents: number;
  ttcCents: number;
}

export interface StoredLine {
  position: number;
  code: string;
  description: string;
  personId: number | null;
  /** Thousandths of `unit`: 1.5 hours is 1500. Negative on credit notes. */
  quantityMilli: number;
  unit: LineUnit;
  unitPriceCents: number;
  /** Excluding VAT; negative on credit notes. */
  amountCents: number;
  vatRateBp: number;
  vatCents: number;
  evidence: Evidence[];
}

export type DocType = 'invoice' | 'credit_note';

/** An issued document, exactly as stored (and hashed). */
export interface StoredInvoice {
  id: number;
  /** `2026-000042` */
  number: string;
  year: number;
  seq: number;
  docType: DocType;
  account: AccountRef;
  /** 'YYYY-MM' billed, or null */
  period: string | null;
  /** YYYY-MM-DD, building time zone */
  issueDate: string;
  /** YYYY-MM-DD; null on credit notes */
  dueDate: string | null;
  currency: 'EUR';
  seller: Seller;
  buyer: Buyer;
  /** null on credit notes */
  terms: PaymentTerms | null;
  totals: Totals;
  vatBreakdown: VatBreakdownEntry[];
  /** On a credit note: the invoice it corrects. */
  credited: { id: number; number: string; issueDate: string } | null;
  /** On a credit note: why. */
  reason: string | null;
  /** Issued while the seller's identity was incomplete: no fiscal value. */
  specimen: boolean;
  prevHash: string;
  hash: string;
  /** Epoch ms (injected clock) */
  createdAt: number;
  runId: number | null;
  lines: StoredLine[];
}

export type LedgerErrorCode =
  | 'already_issued' // an invoice exists for this account and period
  | 'invalid_line' // a line breaks the contract of billing/lines.ts
  | 'no_lines'
  | 'negative_total' // an invoice cannot be negative: issue a credit note
  | 'not_found'
  | 'not_creditable' // a credit note cannot itself be credited
  | 'over_credit' // credit notes would exceed the invoice
  | 'clock_backwards'; // today is before the last document's issue date

export class LedgerError extends Error {
  constructor(readonly code: LedgerErrorCode, message: string, readonly existing?: StoredInvoice) {
    super(message);
    this.name = 'LedgerError';
  }
}
