import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';

/** A request the access domain refuses, with the HTTP status that says why. */
export class AccessError extends Error {
  constructor(readonly statusCode: 400 | 404 | 409, message: string) {
    super(message);
    this.name = 'AccessError';
  }
}

/** Maps SQLite constraint failures to a clear 409 or 404 instead of a 500. */
export function constraintError(err: unknown, what: string): never {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new AccessError(409, `${what} already exists`);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AccessError(404, `${what} refers to something that does not exist`);
  throw err;
}

/**
 * One audited change of the access data: written in a transaction (constraint failures become a
 * clear 409/404), then audited, then `changed()` reloads the state and syncs the readers.
 */
export function auditedChange<T>(
  deps: { sqlite: Database.Database; audit: AuditFn; changed: () => void },
  entry: { actor: string; action: string; subject: string; detail: Record<string, unknown> },
  write: () => T,
  what: string,
): T {
  let result: T;
  try {
    result = deps.sqlite.transaction(write)();
  } catch (err) {
    if (err instanceof AccessError) throw err;
    constraintError(err, what);
  }
  deps.audit(entry);
  deps.changed();
  return result;
}
