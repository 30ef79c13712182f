import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import { AccessError, auditedChange } from './errors.js';
import { parseHhMm } from './local-time.js';
import type { AntiPassbackSettings, DoorMode, WeeklySlot } from './model.js';

/** Schedules, access groups, memberships, closures, training sessions, door modes, anti-passback. */
export class RulesAdmin {
  constructor(private readonly deps: {
    sqlite: Database.Database; audit: AuditFn; clock: () => number; changed: () => void;
    zoneExists: (id: string) => boolean; doorExists: (id: string) => boolean;
  }) {}

  #run<T>(actor: string, action: string, subject: string, detail: Record<string, unknown>, write: () => T, what: string): T {
    return auditedChange(this.deps, { actor, action, subject, detail }, write, what);
  }

  #zones(ids: string[]): void {
    const unknown = ids.filter((z) => !this.deps.zoneExists(z));
    if (unknown.length > 0) throw new AccessError(400, `unknown zones: ${unknown.join(', ')}`);
  }

  #slots(slots: WeeklySlot[]): void {
    for (const slot of slots) {
      try {
        parseHhMm(slot.from);
        parseHhMm(slot.to);
      } catch {
        throw new AccessError(400, `slot ${slot.from}–${slot.to}: times are HH:MM from 00:00 to 24:00`);
      }
      if (slot.days.length === 0) throw new AccessError(400, `slot ${slot.from}–${slot.to} has no day`);
    }
  }

  createSchedule(input: { name: string; slots: WeeklySlot[]; openOnHolidays: boolean }, actor: string): number {
    this.#slots(input.slots);
    return this.#run(actor, 'schedule.create', input.name, {}, () => Number(this.deps.sqlite.prepare(
      'INSERT INTO schedules (name, slots, open_on_holidays) VALUES (?, ?, ?)',
    ).run(input.name, JSON.stringify(input.slots), input.openOnHolidays ? 1 : 0).lastInsertRowid), `schedule "${input.name}"`);
  }

  createGroup(input: { name: string; grants: Array<{ zoneId: string; scheduleId: number }> }, actor: string): number {
    this.#zones(input.grants.map((g) => g.zoneId));
    return this.#run(actor, 'group.create', input.name, { grants: input.grants }, () => {
      const id = Number(this.deps.sqlite.prepare('INSERT INTO access_groups (name) VALUES (?)').run(input.name).lastInsertRowid);
      const grant = this.deps.sqlite.prepare('INSERT INTO access_grants (group_id, zone_id, schedule_id) VALUES (?, ?, ?)');
      for (const g of input.grants) grant.run(id, g.zoneId, g.scheduleId);
      return id;
    }, `group "${input.name}"`);
  }

  addMembership(input: { personId: number; groupId: number; validFrom?: number; validUntil?: number }, actor: string): void {
    this.#run(actor, 'membership.add', String(input.personId), { groupId: input.groupId }, () => {
      this.deps.sqlite.prepare(
        `INSERT INTO group_memberships (person_id, group_id, valid_from, valid_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(person_id, group_id) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until`,
      ).run(input.personId, input.groupId, input.validFrom ?? null, input.validUntil ?? null);
    }, 'membership');
  }

  removeMembership(personId: number, groupId: number, actor: string): void {
    this.#run(actor, 'membership.remove', String(personId), { groupId }, () => {
      if (this.deps.sqlite.prepare('DELETE FROM group_memberships WHERE person_id = ? AND group_id = ?').run(personId, groupId).changes === 0) {
        throw new AccessError(404, `person ${personId} is not in group ${groupId}`);
      }
    }, 'membership');
  }

  addClosure(date: string, name: string, actor: string): void {
    this.#run(actor, 'closure.add', date, { name }, () => {
      this.deps.sqlite.prepare('INSERT INTO closures (date, name) VALUES (?, ?)').run(date, name);
    }, `closure on ${date}`);
  }

  createTrainingSession(input: { zoneId: string; name: string; startsAt: number; endsAt: number; traineeIds: number[] }, actor: string): number {
    this.#zones([input.zoneId]);
    if (input.endsAt <= input.startsAt) throw new AccessError(400, 'a session must end after it starts');
    return this.#run(actor, 'training.create', input.name, { zoneId: input.zoneId, trainees: input.traineeIds.length }, () => {
      const id = Number(this.deps.sqlite.prepare('INSERT INTO training_sessions (zone_id, name, starts_at, ends_at) VALUES (?, ?, ?, ?)')
        .run(input.zoneId, input.name, input.startsAt, input.endsAt).lastInsertRowid);
      const enrol = this.deps.sqlite.prepare('INSERT INTO training_enrollments (session_id, person_id) VALUES (?, ?)');
      for (const p of input.traineeIds) enrol.run(id, p);
      return id;
    }, 'training session');
  }

  setDoorPolicy(doorId: string, mode: DoorMode, unlockSlots: WeeklySlot[] | undefined, actor: string): void {
    if (!this.deps.doorExists(doorId)) throw new AccessError(404, `door "${doorId}" does not exist`);
    if (unlockSlots !== undefined) this.#slots(unlockSlots);
    this.#run(actor, 'door.policy', doorId, { mode, unlockSlots }, () => {
      this.deps.sqlite.prepare(
        `INSERT INTO door_policies (door_id, mode, unlock_slots, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(door_id) DO UPDATE SET mode = excluded.mode, unlock_slots = COALESCE(?, unlock_slots),
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ).run(doorId, mode, JSON.stringify(unlockSlots ?? []), actor, this.deps.clock(), unlockSlots === undefined ? null : JSON.stringify(unlockSlots));
    }, 'door policy');
  }

  setAntiPassback(settings: AntiPassbackSettings, actor: string): void {
    this.#run(actor, 'anti_passback.set', 'main-entrance', { ...settings }, () => {
      this.deps.sqlite.prepare(
        "INSERT INTO settings (key, value) VALUES ('anti_passback', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ).run(JSON.stringify(settings));
    }, 'setting');
  }
}
