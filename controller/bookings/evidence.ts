import type Database from 'better-sqlite3';
import type { Interval } from '../access/model.js';
import type { Resource } from './model.js';

/** What the building recorded around a booking: the sensor's occupied stretches and the door's passages and grants. */
export interface DoorEvidence { passages: number; grants: number; firstAt: number | null }

/**
 * Reads the evidence of presence from what the other modules already store: desk_occupancy (the
 * desk service writes a stretch for every occupied period of a desk or room sensor), passages
 * (confirmed door openings after a grant) and access_decisions (grants). Everything comes from
 * the database, so the jobs decide the same after a restart.
 */
export class EvidenceReader {
  readonly #stretches: Database.Statement;
  readonly #passages: Database.Statement;
  readonly #grants: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.#stretches = sqlite.prepare(`SELECT started_at AS s, ended_at AS e FROM desk_occupancy
      WHERE desk_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at`);
    // people: null for a room (whoever enters the booked room is its party); the holder and guests for a desk.
    this.#passages = sqlite.prepare(`SELECT count(*) AS n, min(at) AS first FROM passages
      WHERE to_zone = @zone AND at >= @from AND at <= @to AND (@who IS NULL OR person_id IN (SELECT value FROM json_each(@who)))`);
    this.#grants = sqlite.prepare(`SELECT count(*) AS n, min(at) AS first FROM access_decisions
      WHERE "grant" = 1 AND door_id IN (SELECT value FROM json_each(@doors)) AND at >= @from AND at <= @to
        AND (@who IS NULL OR person_id IN (SELECT value FROM json_each(@who)))`);
  }

  /** The sensor's occupied stretches that touch [from, to); an open one runs to `to`. */
  occupied(deskId: string, from: number, to: number): Interval[] {
    return (this.#stretches.all(deskId, to, from) as Array<{ s: number; e: number | null }>).map((r): Interval => [r.s, r.e ?? to]);
  }

  /** Passages into the zone and grants at its doors within [from, to], by anyone (people null) or by these people. */
  door(resource: Resource, from: number, to: number, people: number[] | null): DoorEvidence {
    const who = people === null ? null : JSON.stringify(people);
    const p = this.#passages.get({ zone: resource.zoneId, from, to, who }) as { n: number; first: number | null };
    const g = this.#grants.get({ doors: JSON.stringify(resource.doorIds), from, to, who }) as { n: number; first: number | null };
    const firsts = [p.first, g.first].filter((x): x is number => x !== null);
    return { passages: p.n, grants: g.n, firstAt: firsts.length === 0 ? null : Math.min(...firsts) };
  }
}
