import { createHash } from 'node:crypto';
import type { StoredInvoice } from './model.js';

/**
 * The hash chain. Each document's hash is SHA-256 (hex) of the UTF-8 canonical JSON of
 * { v, prevHash, document fields…, lines } where prevHash is the hash of the document issued just
 * before it (any type, any year: one chain in issue order), GENESIS_HASH for the first.
 *
 * Canonical JSON: object keys sorted by code unit, no whitespace, strings as JSON.stringify writes
 * them (no Unicode normalisation: the stored text is hashed as stored), integers only (amounts in
 * cents, quantities in thousandths): a float anywhere is a bug and throws. Every field is hashed
 * except `id`, `hash` itself, and `credited.number`/`credited.issueDate` (read by a join; the
 * credited invoice's id is hashed).
 *
 * Changing this serialisation breaks every stored chain: bump CHAIN_VERSION and keep the old one
 * for verification if it ever has to change.
 */
export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_VERSION = 1;

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds integers only, got ${value}`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** What is hashed of a document: everything but its id, its own hash and the joined credited number/date. */
export function hashedContent(doc: Omit<StoredInvoice, 'id' | 'hash'>): Record<string, unknown> {
  return {
    v: CHAIN_VERSION,
    prevHash: doc.prevHash,
    number: doc.number,
    year: doc.year,
    seq: doc.seq,
    docType: doc.docType,
    account: doc.account,
    period: doc.period,
    issueDate: doc.issueDate,
    dueDate: doc.dueDate,
    currency: doc.currency,
    seller: doc.seller,
    buyer: doc.buyer,
    terms: doc.terms,
    totals: doc.totals,
    vatBreakdown: doc.vatBreakdown,
    creditedInvoiceId: doc.credited?.id ?? null,
    reason: doc.reason,
    specimen: doc.specimen,
    createdAt: doc.createdAt,
    runId: doc.runId,
    lines: doc.lines,
  };
}

export function documentHash(doc: Omit<StoredInvoice, 'id' | 'hash'>): string {
  return createHash('sha256').update(canonicalJson(hashedContent(doc)), 'utf8').digest('hex');
}
