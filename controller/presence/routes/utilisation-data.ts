import type Database from 'better-sqlite3';
import type { UtilisationInput } from '../utilisation.js';

type Rows = Pick<UtilisationInput, 'passages' | 'sessions' | 'deskOccupancy'>;

/**
 * What the utilisation report reads over [from, to): the presence sessions and desk stretches
 * that overlap it, the passages in it, and for each person present in it their last passage
 * before it (where they were when it began).
 */
export function utilisationReader(sqlite: Database.Database): (from: number, to: number) => Rows {
  const sessions = sqlite.prepare(`SELECT person_id AS personId, started_at AS startedAt, ended_at AS endedAt FROM presence_sessions
    WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)`);
  const passages = sqlite.prepare(`SELECT id, person_id AS personId, to_zone AS toZone, at FROM passages
    WHERE person_id IS NOT NULL AND at >= @from AND at < @to`);
  const lastBefore = sqlite.prepare(`SELECT x.id, x.person_id AS personId, x.to_zone AS toZone, x.at FROM passages x
    WHERE x.id IN (
      SELECT (SELECT q.id FROM passages q WHERE q.person_id = s.person_id AND q.at < @from ORDER BY q.at DESC, q.id DESC LIMIT 1)
      FROM (SELECT DISTINCT person_id FROM presence_sessions WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)) s)`);
  const desks = sqlite.prepare(`SELECT desk_id AS deskId, started_at AS startedAt, ended_at AS endedAt FROM desk_occupancy
    WHERE started_at < @to AND (ended_at IS NULL OR ended_at > @from)`);
  return (from, to) => {
    const window = { from, to };
    type Passage = { id: number; personId: number; toZone: string; at: number };
    const all = [...(lastBefore.all(window) as Passage[]), ...(passages.all(window) as Passage[])]
      .sort((a, b) => a.at - b.at || a.id - b.id); // same instant: in the order they were recorded
    return {
      sessions: sessions.all(window) as Rows['sessions'],
      passages: all.map(({ personId, toZone, at }) => ({ personId, toZone, at })),
      deskOccupancy: desks.all(window) as Rows['deskOccupancy'],
    };
  };
}
