import type Database from 'better-sqlite3';

/** Writes where people went: passages, anti-passback sides, visitor pass uses. */
export interface PlacesStore {
  recordPassage(p: { decisionId: number; doorId: string; personId: number | null; fromZone: string; toZone: string; at: number }): void;
  savePassback(personId: number, side: 'inside' | 'outside', at: number): void;
  usePass(passId: number): void;
}

export function createPlacesStore(sqlite: Database.Database): PlacesStore {
  const passage = sqlite.prepare('INSERT INTO passages (decision_id, door_id, person_id, from_zone, to_zone, at) VALUES (?, ?, ?, ?, ?, ?)');
  const passback = sqlite.prepare(
    'INSERT INTO passback (person_id, side, at) VALUES (?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET side = excluded.side, at = excluded.at',
  );
  const use = sqlite.prepare('UPDATE visitor_passes SET uses = uses + 1 WHERE id = ?');
  return {
    recordPassage: (p) => passage.run(p.decisionId, p.doorId, p.personId, p.fromZone, p.toZone, p.at),
    savePassback: (personId, side, at) => passback.run(personId, side, at),
    usePass: (passId) => use.run(passId),
  };
}
