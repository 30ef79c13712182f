import type Database from 'better-sqlite3';
import { canonicalJson, documentHash, GENESIS_HASH } from './canonical.js';
import { totalsOf } from './money.js';
import { SELECT_INVOICE, toInvoice, toLine, type InvoiceRow, type LineRow } from './store.js';

/** The triggers of migration 0004 that keep issued documents unchanged. */
export const IMMUTABILITY_TRIGGERS = [
  'invoices_no_update', 'invoices_no_delete', 'invoice_lines_no_update', 'invoice_lines_no_delete', 'invoice_lines_newest_only',
] as const;

export type ChainProblem =
  | 'prev_hash' // the document does not point at the one issued before it (one removed or inserted)
  | 'hash' // the document's content is not what was hashed (a field or a line changed)
  | 'numbering' // a gap, a duplicate or a number that does not match its year and sequence
  | 'totals'; // the totals or the VAT breakdown are not the sum of the lines

export interface ChainBreak {
  id: number;
  number: string;
  problem: ChainProblem;
  expected: string;
  stored: string;
}

export interface ChainReport {
  /** Chain intact and every immutability trigger in place. */
  ok: boolean;
  /** Documents checked (up to and including the first broken one). */
  documents: number;
  /** Hash of the last document, GENESIS_HASH when there is none: worth writing down elsewhere (a truncated tail leaves no other trace). */
  lastHash: string;
  /** The first broken document in issue order. */
  broken: ChainBreak | null;
  missingTriggers: string[];
}

/**
 * Recomputes every document's hash in issue order and checks that it points at the previous one,
 * that numbers run 1, 2, 3… within each year, and that totals are the sum of the lines. Stops at
 * the first broken document. Reads only; one snapshot (a read transaction) so a concurrent issuer
 * does not make it see half a document.
 */
export function verifyChain(sqlite: Database.Database, opts: { pageSize?: number } = {}): ChainReport {
  const pageSize = opts.pageSize ?? 500; // documents read per query (better-sqlite3 runs one statement at a time)
  const page = sqlite.prepare<[number, number], InvoiceRow>(`${SELECT_INVOICE} WHERE i.id > ? ORDER BY i.id LIMIT ?`);
  const pageLines = sqlite.prepare<[number, number], LineRow>('SELECT * FROM invoice_lines WHERE invoice_id > ? AND invoice_id <= ? ORDER BY invoice_id, position');
  const triggers = new Set(sqlite.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all().map((t) => t.name));
  const missingTriggers = IMMUTABILITY_TRIGGERS.filter((t) => !triggers.has(t));

  const run = sqlite.transaction((): Omit<ChainReport, 'ok' | 'missingTriggers'> => {
    let prev = GENESIS_HASH;
    let documents = 0;
    let afterId = 0;
    const lastSeq = new Map<number, number>();
    for (;;) {
      const rows = page.all(afterId, pageSize);
      if (rows.length === 0) return { documents, lastHash: prev, broken: null };
      const byInvoice = new Map<number, LineRow[]>();
      for (const l of pageLines.all(afterId, rows[rows.length - 1]!.id)) {
        let list = byInvoice.get(l.invoice_id);
        if (list === undefined) byInvoice.set(l.invoice_id, (list = []));
        list.push(l);
      }
      for (const r of rows) {
        documents++;
        const doc = toInvoice(r, (byInvoice.get(r.id) ?? []).map(toLine));
        const stop = (problem: ChainProblem, expected: string, stored: string) =>
          ({ documents, lastHash: prev, broken: { id: r.id, number: r.number, problem, expected, stored } });
        if (r.prev_hash !== prev) return stop('prev_hash', prev, r.prev_hash);
        const { hash: _hash, id: _id, ...content } = doc;
        const expected = documentHash(content);
        if (expected !== r.hash) return stop('hash', expected, r.hash);
        const seq = (lastSeq.get(r.year) ?? 0) + 1;
        const number = `${r.year}-${String(seq).padStart(6, '0')}`;
        if (r.seq !== seq || r.number !== number || !r.issue_date.startsWith(`${r.year}-`)) {
          return stop('numbering', `${number} (seq ${seq}, issued in ${r.year})`, `${r.number} (seq ${r.seq}, issued ${r.issue_date})`);
        }
        lastSeq.set(r.year, seq);
        const sums = totalsOf(doc.lines);
        const want = canonicalJson([sums.totals, sums.vatBreakdown]);
        const have = canonicalJson([doc.totals, doc.vatBreakdown]);
        if (want !== have) return stop('totals', want, have);
        prev = r.hash;
      }
      afterId = rows[rows.length - 1]!.id;
    }
  });
  const result = run.deferred();
  return { ...result, ok: result.broken === null && missingTriggers.length === 0, missingTriggers };
}
