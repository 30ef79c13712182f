import type Database from 'better-sqlite3';
import { GroupCommitter } from '../db/group-commit.js';
import type { DeferredDurability } from '../db/wal-fsync.js';

export interface DecisionRecord {
  eventId: number | null;
  at: number;
  deviceTs: number | null;
  doorId: string;
  deviceId: string | null;
  uid: string | null;
  credentialId: number | null;
  personId: number | null;
  grant: boolean;
  reason: string;
  source: 'controller' | 'offline' | 'remote';
  alert: string | null;
}

/**
 * Writes access decisions in group commits: the decision itself is sent to the reader first,
 * so the fsync of its log line never sits on the badge's round trip.
 */
export class DecisionLog {
  readonly #committer: GroupCommitter<DecisionRecord, number>;

  constructor(sqlite: Database.Database, durability?: DeferredDurability) {
    const insert = sqlite.prepare(
      `INSERT INTO access_decisions (event_id, at, device_ts, door_id, device_id, uid, credential_id, person_id, "grant", reason, source, alert)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const batch = sqlite.transaction((records: DecisionRecord[]) => records.map((r) => Number(insert.run(
      r.eventId, r.at, r.deviceTs, r.doorId, r.deviceId, r.uid, r.credentialId, r.personId, r.grant ? 1 : 0, r.reason, r.source, r.alert,
    ).lastInsertRowid)));
    this.#committer = durability === undefined
      ? new GroupCommitter(batch)
      : new GroupCommitter((records: DecisionRecord[]) => durability.commitDeferred(() => batch(records)), { durable: () => durability.durable(), heldUntil: () => durability.heldUntil() });
  }

  /** Resolves with the decision's row id once committed. */
  record(decision: DecisionRecord): Promise<number> {
    return this.#committer.submit(decision);
  }

  flush(): void {
    this.#committer.flush();
  }
}
