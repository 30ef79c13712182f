import type Database from 'better-sqlite3';

export type AlarmKind = 'forced' | 'held' | 'anti_passback';
export interface Alarm {
  id: number; kind: AlarmKind; doorId: string; detail: string; raisedAt: number;
  ackedBy: string | null; ackedAt: number | null; comment: string | null;
}

export class AlarmError extends Error {
  constructor(readonly statusCode: 404 | 409, message: string) {
    super(message);
    this.name = 'AlarmError';
  }
}

const COLUMNS = 'id, kind, door_id AS doorId, detail, raised_at AS raisedAt, acked_by AS ackedBy, acked_at AS ackedAt, comment';

/** Door alarms: raised at once, listed, acknowledged by a manager with a comment. */
export class AlarmStore {
  constructor(private readonly sqlite: Database.Database) {}

  raise(kind: AlarmKind, doorId: string, detail: string, at: number): Alarm {
    const id = Number(this.sqlite.prepare('INSERT INTO alarms (kind, door_id, detail, raised_at) VALUES (?, ?, ?, ?)')
      .run(kind, doorId, detail, at).lastInsertRowid);
    return { id, kind, doorId, detail, raisedAt: at, ackedBy: null, ackedAt: null, comment: null };
  }

  list(opts: { open?: boolean; limit: number }): Alarm[] {
    const where = opts.open === true ? 'WHERE acked_at IS NULL' : '';
    return this.sqlite.prepare(`SELECT ${COLUMNS} FROM alarms ${where} ORDER BY id DESC LIMIT ?`).all(opts.limit) as Alarm[];
  }

  acknowledge(id: number, by: string, comment: string, at: number): Alarm {
    const alarm = this.sqlite.prepare(`SELECT ${COLUMNS} FROM alarms WHERE id = ?`).get(id) as Alarm | undefined;
    if (alarm === undefined) throw new AlarmError(404, `alarm ${id} does not exist`);
    if (alarm.ackedAt !== null) throw new AlarmError(409, `alarm ${id} was already acknowledged by ${alarm.ackedBy ?? 'someone'}`);
    this.sqlite.prepare('UPDATE alarms SET acked_by = ?, acked_at = ?, comment = ? WHERE id = ?').run(by, at, comment, id);
    return { ...alarm, ackedBy: by, ackedAt: at, comment };
  }
}
