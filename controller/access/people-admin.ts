import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import { AccessError, auditedChange } from './errors.js';
import type { CredentialStatus, PersonKind } from './model.js';
import { pinHash } from './pin.js';

export interface PersonInput { kind: PersonKind; name: string; email?: string; companyId?: number; userId?: number }
export interface CredentialInput { uid: string; pin?: string; validFrom?: number; validUntil?: number }
export interface PassInput {
  visitorName: string; visitorEmail?: string; uid: string; hostPersonId: number;
  validFrom: number; validUntil: number; maxUses?: number; zoneIds: string[];
}

/**
 * People, companies, badges and visitor passes. Every change is audited, then `changed()` lets the
 * access state reload and the readers' allow-lists follow within a second.
 */
export class PeopleAdmin {
  constructor(private readonly deps: {
    sqlite: Database.Database; audit: AuditFn; clock: () => number; changed: () => void; zoneExists: (id: string) => boolean;
  }) {}

  #run<T>(actor: string, action: string, subject: string, detail: Record<string, unknown>, write: () => T, what: string): T {
    return auditedChange(this.deps, { actor, action, subject, detail }, write, what);
  }

  createCompany(name: string, actor: string): { id: number; name: string } {
    const id = this.#run(actor, 'company.create', name, {}, () =>
      Number(this.deps.sqlite.prepare('INSERT INTO companies (name, created_at) VALUES (?, ?)').run(name, this.deps.clock()).lastInsertRowid), `company "${name}"`);
    return { id, name };
  }

  createPerson(input: PersonInput, actor: string): number {
    return this.#run(actor, 'person.create', input.name, { kind: input.kind }, () => Number(this.deps.sqlite.prepare(
      'INSERT INTO people (kind, name, email, company_id, user_id, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
    ).run(input.kind, input.name, input.email ?? null, input.companyId ?? null, input.userId ?? null, this.deps.clock()).lastInsertRowid), 'person');
  }

  setPersonActive(personId: number, active: boolean, actor: string): void {
    this.#run(actor, active ? 'person.activate' : 'person.deactivate', String(personId), {}, () => {
      if (this.deps.sqlite.prepare('UPDATE people SET active = ? WHERE id = ?').run(active ? 1 : 0, personId).changes === 0) {
        throw new AccessError(404, `person ${personId} does not exist`);
      }
    }, 'person');
  }

  addCredential(personId: number, input: CredentialInput, actor: string): number {
    if (input.validFrom !== undefined && input.validUntil !== undefined && input.validUntil <= input.validFrom) {
      throw new AccessError(400, 'validUntil must be after validFrom');
    }
    return this.#run(actor, 'credential.add', input.uid, { personId }, () => Number(this.deps.sqlite.prepare(
      `INSERT INTO credentials (person_id, uid, pin_hash, status, valid_from, valid_until, created_at)
       VALUES (?, ?, ?, 'active', ?, ?, ?)`,
    ).run(personId, input.uid, input.pin === undefined ? null : pinHash(input.uid, input.pin), input.validFrom ?? null,
      input.validUntil ?? null, this.deps.clock()).lastInsertRowid), `badge ${input.uid}`);
  }

  /** A lost or stolen badge is blocked at once, everywhere: the readers get a delta removing it. */
  setCredentialStatus(credentialId: number, status: CredentialStatus, actor: string): void {
    this.#run(actor, 'credential.status', String(credentialId), { status }, () => {
      const info = this.deps.sqlite.prepare('UPDATE credentials SET status = ?, status_changed_at = ? WHERE id = ?')
        .run(status, this.deps.clock(), credentialId);
      if (info.changes === 0) throw new AccessError(404, `badge ${credentialId} does not exist`);
    }, 'badge');
  }

  /** A visitor, their day badge and the pass that says where, when and how many times. */
  createVisitorPass(input: PassInput, actor: string): { passId: number; personId: number } {
    if (input.validUntil <= input.validFrom) throw new AccessError(400, 'validUntil must be after validFrom');
    const unknown = input.zoneIds.filter((z) => !this.deps.zoneExists(z));
    if (unknown.length > 0) throw new AccessError(400, `unknown zones: ${unknown.join(', ')}`);
    return this.#run(actor, 'pass.create', input.uid, { host: input.hostPersonId, zones: input.zoneIds }, () => {
      const now = this.deps.clock();
      const host = this.deps.sqlite.prepare('SELECT kind FROM people WHERE id = ? AND active = 1').get(input.hostPersonId);
      if (host === undefined) throw new AccessError(404, `host ${input.hostPersonId} is not an active person`);
      const personId = Number(this.deps.sqlite.prepare(
        "INSERT INTO people (kind, name, email, active, created_at) VALUES ('visitor', ?, ?, 1, ?)",
      ).run(input.visitorName, input.visitorEmail ?? null, now).lastInsertRowid);
      this.deps.sqlite.prepare(
        "INSERT INTO credentials (person_id, uid, status, valid_from, valid_until, created_at) VALUES (?, ?, 'active', ?, ?, ?)",
      ).run(personId, input.uid, input.validFrom, input.validUntil, now);
      const passId = Number(this.deps.sqlite.prepare(
        `INSERT INTO visitor_passes (person_id, host_person_id, valid_from, valid_until, max_uses, uses, zone_ids, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`,
      ).run(personId, input.hostPersonId, input.validFrom, input.validUntil, input.maxUses ?? null, JSON.stringify(input.zoneIds), actor, now).lastInsertRowid);
      return { passId, personId };
    }, `badge ${input.uid}`);
  }
}
