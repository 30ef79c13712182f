import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';

export const FEED_TOKEN_PATTERN = '^[A-Za-z0-9_-]{32}$';

/** A secret of 24 random bytes: 32 URL-safe characters that nobody can guess. */
const newToken = (): string => randomBytes(24).toString('base64url');

export const feedUrl = (token: string): string => `/ical/${token}.ics`;

/**
 * The secret URL of each room's read-only iCalendar feed. The token is the only key (calendar
 * apps subscribe without a login), so it is shown to staff, who hand it out, and rotated when it
 * leaked: the old URL stops working at once.
 */
export class FeedTokens {
  readonly #sql: Record<'list' | 'insert' | 'rotate' | 'byToken', Database.Statement>;

  constructor(private readonly deps: { sqlite: Database.Database; audit: AuditFn; clock: () => number }) {
    const p = (s: string) => deps.sqlite.prepare(s);
    this.#sql = {
      list: p('SELECT resource_id AS resourceId, token FROM booking_feeds'),
      insert: p('INSERT OR IGNORE INTO booking_feeds (resource_id, token, created_by, created_at) VALUES (?, ?, ?, ?)'),
      rotate: p(`INSERT INTO booking_feeds (resource_id, token, created_by, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(resource_id) DO UPDATE SET token = excluded.token, created_by = excluded.created_by, created_at = excluded.created_at`),
      byToken: p('SELECT resource_id AS resourceId FROM booking_feeds WHERE token = ?'),
    };
  }

  /** Gives every resource listed a feed if it has none yet (at start: new rooms of the building file). */
  ensure(resourceIds: readonly string[]): void {
    const now = this.deps.clock();
    for (const id of resourceIds) this.#sql.insert.run(id, newToken(), 'system', now);
  }

  list(resourceIds: readonly string[]): Array<{ resourceId: string; url: string }> {
    const tokens = new Map((this.#sql.list.all() as Array<{ resourceId: string; token: string }>).map((r) => [r.resourceId, r.token]));
    return resourceIds.flatMap((resourceId) => {
      const token = tokens.get(resourceId);
      return token === undefined ? [] : [{ resourceId, url: feedUrl(token) }];
    });
  }

  rotate(resourceId: string, actor: string): { resourceId: string; url: string } {
    const token = newToken();
    this.#sql.rotate.run(resourceId, token, actor, this.deps.clock());
    this.deps.audit({ actor, action: 'booking.feed_rotate', subject: `feed:${resourceId}`, detail: {} });
    return { resourceId, url: feedUrl(token) };
  }

  resourceOf(token: string): string | undefined {
    return (this.#sql.byToken.get(token) as { resourceId: string } | undefined)?.resourceId;
  }
}
