import type Database from 'better-sqlite3';

export interface OpenSession { id: number; personId: number; startedAt: number; lastSignalAt: number }
export type SessionChange = { personId: number; present: boolean; at: number; reason: 'entry' | 'exit' | 'cutoff' | 'manual' };

/**
 * The nightly cut-off's rule: someone still showing signs of life (an occupied desk they checked
 * into, a registered device moving bytes) stays present; anyone else is checked out at the last
 * sign of them, not at the cut-off time.
 */
export function cutoffOutcome(session: OpenSession, stillActive: boolean): { keep: true } | { keep: false; endAt: number } {
  if (stillActive) return { keep: true };
  return { keep: false, endAt: Math.max(session.startedAt, session.lastSignalAt) };
}

/** Presence sessions per person, from entry and exit badges, kept in SQLite and in memory. */
export class PresenceSessions {
  #open = new Map<number, OpenSession>();
  #listeners: Array<(c: SessionChange) => void> = [];

  constructor(private readonly deps: { sqlite: Database.Database }) {}

  start(): void {
    const rows = this.deps.sqlite.prepare(
      'SELECT id, person_id AS personId, started_at AS startedAt, last_signal_at AS lastSignalAt FROM presence_sessions WHERE ended_at IS NULL',
    ).all() as OpenSession[];
    this.#open = new Map(rows.map((r) => [r.personId, r]));
  }

  onChange(listener: (c: SessionChange) => void): void {
    this.#listeners.push(listener);
  }

  isPresent(personId: number): boolean {
    return this.#open.has(personId);
  }

  openSessions(): OpenSession[] {
    return [...this.#open.values()];
  }

  entered(personId: number, at: number): void {
    const open = this.#open.get(personId);
    if (open !== undefined) {
      this.signal(personId, at);
      return;
    }
    const id = Number(this.deps.sqlite.prepare('INSERT INTO presence_sessions (person_id, started_at, last_signal_at) VALUES (?, ?, ?)')
      .run(personId, at, at).lastInsertRowid);
    this.#open.set(personId, { id, personId, startedAt: at, lastSignalAt: at });
    this.#emit({ personId, present: true, at, reason: 'entry' });
  }

  left(personId: number, at: number): void {
    const open = this.#open.get(personId);
    if (open === undefined) return;
    this.#close(open, Math.max(at, open.startedAt), 'exit');
  }

  /** A sign of the person inside (a badge at an inner door, their desk, their device). */
  signal(personId: number, at: number): void {
    const open = this.#open.get(personId);
    if (open === undefined || at <= open.lastSignalAt) return;
    open.lastSignalAt = at;
    this.deps.sqlite.prepare('UPDATE presence_sessions SET last_signal_at = ? WHERE id = ?').run(at, open.id);
  }

  /** The nightly check-out of those who never badged out; returns who was checked out. */
  cutoff(stillActive: (personId: number) => boolean): number[] {
    const closed: number[] = [];
    for (const session of [...this.#open.values()]) {
      const outcome = cutoffOutcome(session, stillActive(session.personId));
      if (outcome.keep) continue;
      this.#close(session, outcome.endAt, 'cutoff');
      closed.push(session.personId);
    }
    return closed;
  }

  /** A manager's correction of a session, with who and why; the old and new values are kept. */
  correct(sessionId: number, change: { startedAt?: number; endedAt?: number | null }, by: string, why: string, at: number): void {
    const before = this.deps.sqlite.prepare('SELECT person_id AS personId, started_at AS startedAt, ended_at AS endedAt FROM presence_sessions WHERE id = ?')
      .get(sessionId) as { personId: number; startedAt: number; endedAt: number | null } | undefined;
    if (before === undefined) throw Object.assign(new Error(`presence session ${sessionId} does not exist`), { statusCode: 404 });
    const after = { startedAt: change.startedAt ?? before.startedAt, endedAt: change.endedAt === undefined ? before.endedAt : change.endedAt };
    if (after.endedAt !== null && after.endedAt < after.startedAt) throw Object.assign(new Error('a session cannot end before it starts'), { statusCode: 400 });
    const open = this.#open.get(before.personId);
    if (after.endedAt === null && before.endedAt !== null && open !== undefined) {
      throw Object.assign(new Error(`person ${before.personId} already has an open session`), { statusCode: 409 });
    }
    this.deps.sqlite.transaction(() => {
      this.deps.sqlite.prepare("UPDATE presence_sessions SET started_at = ?, ended_at = ?, end_reason = CASE WHEN ? IS NULL THEN NULL ELSE 'manual' END WHERE id = ?")
        .run(after.startedAt, after.endedAt, after.endedAt, sessionId);
      this.deps.sqlite.prepare('INSERT INTO presence_corrections (session_id, by, why, at, before, after) VALUES (?, ?, ?, ?, ?, ?)')
        .run(sessionId, by, why, at, JSON.stringify(before), JSON.stringify(after));
    })();
    if (after.endedAt === null && before.endedAt !== null) {
      // Reopened: the person is present again from the corrected start.
      const lastSignalAt = Math.max(after.startedAt, before.endedAt);
      this.#open.set(before.personId, { id: sessionId, personId: before.personId, startedAt: after.startedAt, lastSignalAt });
      this.deps.sqlite.prepare('UPDATE presence_sessions SET last_signal_at = ? WHERE id = ?').run(lastSignalAt, sessionId);
      this.#emit({ personId: before.personId, present: true, at, reason: 'manual' });
    } else if (after.endedAt !== null && open?.id === sessionId) {
      this.#open.delete(before.personId);
      this.#emit({ personId: before.personId, present: false, at: after.endedAt, reason: 'manual' });
    } else if (open?.id === sessionId) {
      open.startedAt = after.startedAt;
    }
  }

  #close(session: OpenSession, at: number, reason: 'exit' | 'cutoff'): void {
    this.deps.sqlite.prepare('UPDATE presence_sessions SET ended_at = ?, end_reason = ? WHERE id = ?').run(at, reason, session.id);
    this.#open.delete(session.personId);
    this.#emit({ personId: session.personId, present: false, at, reason });
  }

  #emit(change: SessionChange): void {
    for (const l of this.#listeners) l(change);
  }
}
