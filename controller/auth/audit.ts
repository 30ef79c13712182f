import type { Db } from '../db/open.js';
import { auditLog } from '../db/schema.js';

/** One line of "who did what": actor is a username (or "anonymous", "system"), subject what it was done to. */
export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

export type AuditFn = (entry: AuditEntry) => void;

/** The plain writer the HTTP layer (and any other module) is handed; never pass secrets in `detail`. */
export function createAuditLog(opts: { db: Db; clock: () => number }): AuditFn {
  return (entry) => {
    opts.db.insert(auditLog).values({
      at: opts.clock(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail ?? {}),
    }).run();
  };
}
