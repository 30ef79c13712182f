import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import { BillingError } from './errors.js';
import type { Tariff } from './tariff/index.js';

export interface Subscription {
  id: number;
  personId: number | null;
  companyId: number | null;
  planId: string;
  startsAt: number;
  endsAt: number | null;
  createdBy: string;
  createdAt: number;
}

const SELECT = `SELECT id, person_id AS personId, company_id AS companyId, plan_id AS planId, starts_at AS startsAt, ends_at AS endsAt,
  created_by AS createdBy, created_at AS createdAt FROM subscriptions`;

/** Who holds which plan when: a manager's changes, audited; the run prorates fees from them. */
export class SubscriptionAdmin {
  constructor(private readonly deps: { sqlite: Database.Database; audit: AuditFn; clock: () => number; tariff: () => Tariff }) {}

  list(filter: { personId?: number; companyId?: number } = {}): Subscription[] {
    const { sqlite } = this.deps;
    if (filter.personId !== undefined) return sqlite.prepare(`${SELECT} WHERE person_id = ? ORDER BY starts_at`).all(filter.personId) as Subscription[];
    if (filter.companyId !== undefined) return sqlite.prepare(`${SELECT} WHERE company_id = ? ORDER BY starts_at`).all(filter.companyId) as Subscription[];
    return sqlite.prepare(`${SELECT} ORDER BY starts_at, id LIMIT 1000`).all() as Subscription[];
  }

  get(id: number): Subscription {
    const s = this.deps.sqlite.prepare(`${SELECT} WHERE id = ?`).get(id) as Subscription | undefined;
    if (s === undefined) throw new BillingError(404, `subscription ${id} does not exist`);
    return s;
  }

  create(input: { personId?: number; companyId?: number; planId: string; startsAt: number; endsAt?: number }, actor: string): Subscription {
    const { sqlite, clock } = this.deps;
    if ((input.personId === undefined) === (input.companyId === undefined)) throw new BillingError(400, 'a subscription is held by a person or by a company: give exactly one of personId, companyId');
    if (!this.deps.tariff().plans.some((p) => p.id === input.planId)) {
      throw new BillingError(400, `plan "${input.planId}" is not in the tariff (plans: ${this.deps.tariff().plans.map((p) => p.id).join(', ')})`);
    }
    if (input.endsAt !== undefined && input.endsAt <= input.startsAt) throw new BillingError(400, 'a subscription must end after it starts');
    const holder = input.personId !== undefined
      ? sqlite.prepare('SELECT id FROM people WHERE id = ?').get(input.personId)
      : sqlite.prepare('SELECT id FROM companies WHERE id = ?').get(input.companyId);
    if (holder === undefined) throw new BillingError(404, input.personId !== undefined ? `person ${input.personId} does not exist` : `company ${input.companyId} does not exist`);
    const id = Number(sqlite.prepare(
      'INSERT INTO subscriptions (person_id, company_id, plan_id, starts_at, ends_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(input.personId ?? null, input.companyId ?? null, input.planId, input.startsAt, input.endsAt ?? null, actor, clock()).lastInsertRowid);
    this.deps.audit({ actor, action: 'subscription.create', subject: String(id), detail: { ...input } });
    return this.get(id);
  }

  /** Ends a plan (a change of plan is an end and a new subscription; fees are prorated by day). */
  end(id: number, endsAt: number, actor: string): Subscription {
    const s = this.get(id);
    if (endsAt <= s.startsAt) throw new BillingError(400, `subscription ${id} starts at ${new Date(s.startsAt).toISOString()}: it cannot end before`);
    this.deps.sqlite.prepare('UPDATE subscriptions SET ends_at = ? WHERE id = ?').run(endsAt, id);
    this.deps.audit({ actor, action: 'subscription.end', subject: String(id), detail: { endsAt, before: s.endsAt } });
    return this.get(id);
  }
}
