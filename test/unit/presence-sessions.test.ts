import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDb } from '../../controller/db/open.js';
import { cutoffOutcome, PresenceSessions, type SessionChange } from '../../controller/presence/sessions.js';

const H = 3_600_000;
const DAY8 = Date.parse('2026-11-24T08:00:00Z');

describe('presence cut-off rule', () => {
  const session = { id: 1, personId: 7, startedAt: DAY8, lastSignalAt: DAY8 + 9 * H };
  it('keeps present someone still showing signs of life', () => {
    expect(cutoffOutcome(session, true)).toEqual({ keep: true });
  });
  it('checks out anyone else at their last sign of life, not at the cut-off', () => {
    expect(cutoffOutcome(session, false)).toEqual({ keep: false, endAt: DAY8 + 9 * H });
    expect(cutoffOutcome({ ...session, lastSignalAt: DAY8 }, false)).toEqual({ keep: false, endAt: DAY8 });
  });
});

describe('presence sessions (SQLite)', () => {
  let dir: string;
  let db: OpenDb;
  let sessions: PresenceSessions;
  let changes: SessionChange[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-pres-'));
    db = openDatabase(join(dir, 'c.db'), { synchronous: 'NORMAL' });
    sessions = new PresenceSessions({ sqlite: db.sqlite });
    sessions.start();
    changes = [];
    sessions.onChange((c) => changes.push(c));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => db.sqlite.prepare('SELECT person_id AS p, started_at AS s, ended_at AS e, end_reason AS r FROM presence_sessions ORDER BY id').all();

  it('opens on entry, ignores a second entry, closes on exit', () => {
    sessions.entered(1, DAY8);
    sessions.entered(1, DAY8 + H);
    sessions.left(1, DAY8 + 8 * H);
    expect(rows()).toEqual([{ p: 1, s: DAY8, e: DAY8 + 8 * H, r: 'exit' }]);
    expect(changes.map((c) => `${c.reason}:${c.present}`)).toEqual(['entry:true', 'exit:false']);
  });

  it('at the cut-off, closes forgotten badge-outs at their last signal and keeps those still active', () => {
    sessions.entered(1, DAY8);
    sessions.signal(1, DAY8 + 10 * H); // a desk signal at 18:00
    sessions.entered(2, DAY8 + H);
    sessions.signal(2, DAY8 + 18 * H); // their laptop still busy at 02:00
    const out = sessions.cutoff((p) => p === 2);
    expect(out).toEqual([1]);
    expect(rows()).toEqual([
      { p: 1, s: DAY8, e: DAY8 + 10 * H, r: 'cutoff' },
      { p: 2, s: DAY8 + H, e: null, r: null },
    ]);
  });

  it('comes back after a restart with the same open sessions', () => {
    sessions.entered(3, DAY8);
    const again = new PresenceSessions({ sqlite: db.sqlite });
    again.start();
    expect(again.isPresent(3)).toBe(true);
  });

  it('records a manager\'s correction with who, why, before and after', () => {
    sessions.entered(4, DAY8);
    const id = (db.sqlite.prepare('SELECT id FROM presence_sessions').get() as { id: number }).id;
    sessions.correct(id, { endedAt: DAY8 + 4 * H }, 'manager', 'left by the garden door', DAY8 + 20 * H);
    expect(sessions.isPresent(4)).toBe(false);
    expect(rows()).toEqual([{ p: 4, s: DAY8, e: DAY8 + 4 * H, r: 'manual' }]);
    const correction = db.sqlite.prepare('SELECT by, why, before, after FROM presence_corrections').get() as Record<string, string>;
    expect(correction.by).toBe('manager');
    expect(correction.why).toBe('left by the garden door');
    expect(JSON.parse(correction.before ?? '{}')).toMatchObject({ endedAt: null });
    expect(JSON.parse(correction.after ?? '{}')).toMatchObject({ endedAt: DAY8 + 4 * H });
    expect(() => sessions.correct(id, { endedAt: DAY8 - H }, 'manager', 'typo', DAY8)).toThrow(/cannot end before/);
  });
});
