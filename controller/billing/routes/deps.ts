import type Database from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { requireUser } from '../../http/guard.js';
import { BillingError } from '../errors.js';
import type { AccountRef, StoredInvoice } from '../ledger/index.js';
import type { BillingModule } from '../module.js';

export interface BillingRoutesDeps {
  billing: BillingModule;
  /** to find the person a login is linked to (people.user_id), and the evidence trail */
  sqlite: Database.Database;
  timeZone: string;
  clock: () => number;
}

export const strict = { additionalProperties: false } as const;
export const PeriodParam = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, a month in the building time zone' });
export const AccountKind = Type.Enum(['person', 'company']);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, strict);

/** Who is asking: staff see every account; a member only their own person's account. */
export interface BillingCaller { username: string; staff: boolean; personId: number | null; account: AccountRef | null }

export function callerResolver(sqlite: Database.Database): (req: FastifyRequest) => BillingCaller {
  const own = sqlite.prepare('SELECT id, company_id AS companyId FROM people WHERE user_id = ? ORDER BY active DESC, id LIMIT 1');
  return (req) => {
    const user = requireUser(req);
    const person = own.get(user.id) as { id: number; companyId: number | null } | undefined;
    const account: AccountRef | null = person === undefined ? null
      : person.companyId === null ? { kind: 'person', id: person.id } : { kind: 'company', id: person.companyId };
    return { username: user.username, staff: user.role !== 'member', personId: person?.id ?? null, account };
  };
}

/**
 * A member may read the documents of their own person account; a company's invoices (which list
 * colleagues' usage) are for staff, who pass them on.
 */
export function assertMayRead(caller: BillingCaller, invoice: StoredInvoice): void {
  if (caller.staff) return;
  const mine = invoice.account.kind === 'person' && invoice.account.id === caller.personId;
  if (!mine) throw new BillingError(403, `invoice ${invoice.number} is not yours`);
}
