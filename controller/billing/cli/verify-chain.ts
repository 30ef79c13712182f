import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ConfigError, loadConfig } from '../../config.js';
import { verifyChain, type ChainReport } from '../ledger/verify.js';

/**
 * Recomputes the hash chain of every issued invoice and credit note.
 *
 *   npm run billing:verify                 # the database of the configuration (DATA_DIR, CONFIG_FILE…)
 *   npm run billing:verify -- --db FILE    # another database file
 *   npm run billing:verify -- --json       # the report as JSON
 *
 * Exit code 0: chain intact and immutability triggers in place. 1: a document is broken (its number,
 * the expected and the stored value are printed) or a trigger is missing. 2: could not check.
 * Opens the file read-only: it never migrates nor writes.
 */
const USAGE = 'usage: billing:verify [--db FILE] [--json]';

function describe(r: ChainReport, file: string): string {
  const out: string[] = [];
  if (r.broken !== null) {
    const b = r.broken;
    const what = {
      prev_hash: 'does not point at the document issued before it (one was removed, inserted or reordered)',
      hash: 'was changed after it was issued (its content no longer matches its hash)',
      numbering: 'breaks the numbering series (gap, duplicate or wrong year)',
      totals: 'has totals that are not the sum of its lines',
    }[b.problem];
    out.push(`BROKEN: document ${b.number} (id ${b.id}) ${what}.`, `  expected: ${b.expected}`, `  stored:   ${b.stored}`,
      `  ${r.documents - 1} document(s) before it verified.`);
  }
  if (r.missingTriggers.length > 0) out.push(`MISSING TRIGGERS: ${r.missingTriggers.join(', ')}: issued documents are no longer protected against changes.`);
  if (r.ok) out.push(`OK: ${r.documents} document(s) verified in ${file}; last hash ${r.lastHash}`);
  return `${out.join('\n')}\n`;
}

function main(): number {
  let values: { db?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ options: { db: { type: 'string' }, json: { type: 'boolean', default: false } } }));
  } catch (err) {
    process.stderr.write(`billing:verify: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let file = values.db;
  if (file === undefined) {
    try {
      file = loadConfig().dbFile;
    } catch (err) {
      process.stderr.write(`billing:verify: ${err instanceof ConfigError ? err.message : String(err)}\n`);
      return 2;
    }
  }
  if (!existsSync(file)) {
    process.stderr.write(`billing:verify: no database at ${file}\n`);
    return 2;
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000'); // 5 s: the controller may be writing
    const hasLedger = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'invoices'").get() !== undefined;
    if (!hasLedger) {
      process.stderr.write(`billing:verify: ${file} has no invoices table (not migrated yet)\n`);
      return 2;
    }
    const report = verifyChain(sqlite);
    if (values.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
    else (report.ok ? process.stdout : process.stderr).write(describe(report, file));
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`billing:verify: ${(err as Error).message}\n`);
    return 2;
  } finally {
    sqlite?.close();
  }
}

process.exitCode = main();
