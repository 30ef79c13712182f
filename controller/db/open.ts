import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import { projectPath } from '../paths.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export interface OpenDb {
  db: Db;
  /** The raw connection, for the prepared statements of the hot paths. */
  sqlite: Database.Database;
  close(): void;
}

const MIGRATIONS = projectPath('controller', 'db', 'migrations');

export function openDatabase(file: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}): OpenDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers (API, dashboard) run while the ingest writes; FULL fsyncs each commit so an
  // acknowledged uplink survives a power loss, not only a process crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000'); // 5 s: a CLI tool writing beside the running controller waits, not fails
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
