import type Database from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { badRequest } from '../../http/errors.js';
import { requireUser } from '../../http/guard.js';

/** Shared pieces of the access-control routes: schemas, the actor, and read queries with filters. */

export const strict = { additionalProperties: false } as const;
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const EpochMs = Type.Integer({ minimum: 0, description: 'milliseconds since 1970-01-01 UTC' });
export const RowId = Type.Integer({ minimum: 1 });
export const IdParams = Type.Object({ id: RowId });
export const LIST_LIMIT = 100; // rows of a list when the query gives no limit
/** Optional in the document; the validator fills in the default, so `?? LIST_LIMIT` only satisfies the types. */
export const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: LIST_LIMIT, description: 'At most this many rows' }));
/** Zone and door ids of the building file. */
export const PlaceId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' });
export const Uid = Type.String({ pattern: '^[0-9A-F]{8,20}$', description: 'Badge UID: upper-case hex, 8 to 20 digits (4 to 10 bytes)' });
/** Free text that is not blank (JSON Schema patterns are searched, not anchored). */
export const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', ...(description === undefined ? {} : { description }) });

export const PERSON_KINDS = ['member', 'resident', 'trainee', 'staff', 'visitor'] as const;
export const PersonKind = Type.Enum(PERSON_KINDS);

const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
export const WeeklySlot = Type.Object({
  days: Type.Array(Type.Enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), { minItems: 1, maxItems: 7, uniqueItems: true }),
  from: Type.String({ pattern: HHMM, description: 'HH:MM, local time of the building' }),
  to: Type.String({
    pattern: `${HHMM}|^24:00$`,
    description: "HH:MM or '24:00'; at or before `from` the slot ends the next day (fri 22:00–02:00)",
  }),
}, strict);
export const WeeklySlots = Type.Array(WeeklySlot, { maxItems: 32 });

/** The username that every audited change is made by. */
export const actor = (request: FastifyRequest): string => requireUser(request).username;

/** A [from, to) window of a log query, refused when upside down. */
export function checkWindow(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && to < from) throw badRequest('querystring.to must not be before querystring.from');
}

/** validFrom/validUntil of a badge or a membership: both optional, in order when both are given. */
export function checkValidity(validFrom: number | undefined, validUntil: number | undefined): void {
  if (validFrom !== undefined && validUntil !== undefined && validUntil <= validFrom) {
    throw badRequest('body.validUntil must be after body.validFrom');
  }
}

/** WHERE clauses of a list query, each added only when its filter is given. */
export class Where {
  readonly #clauses: string[] = [];
  readonly params: Array<string | number | null> = [];

  /** Every `?` of the clause binds the same value. */
  add(clause: string, value: string | number | boolean | undefined): this {
    if (value === undefined) return this;
    this.#clauses.push(clause);
    const bound = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    for (const _ of clause.matchAll(/\?/g)) this.params.push(bound);
    return this;
  }

  toString(): string {
    return this.#clauses.length === 0 ? '' : `WHERE ${this.#clauses.join(' AND ')}`;
  }
}

/** Prepared statements by SQL text: a list query has one variant per combination of its filters. */
export function statements(sqlite: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = sqlite.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** Ids that a body refers to but that have no row: for a clear 400 before the service's foreign-key 404. */
export function missingIds(sqlite: Database.Database, table: 'people' | 'schedules' | 'companies' | 'users', ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  const found = new Set((sqlite.prepare(`SELECT id FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as Array<{ id: number }>).map((r) => r.id));
  return [...new Set(ids)].filter((id) => !found.has(id));
}
