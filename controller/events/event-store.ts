import type Database from 'better-sqlite3';

export interface UplinkRecord {
  type: 'event';
  deviceId: string;
  bootId: string;
  seq: number;
  kind: string;
  deviceTs: number;
  receivedAt: number;
  payload: string;
}
export interface DeadLetterRecord {
  type: 'dead';
  deviceId: string | null;
  topic: string;
  reason: string;
  payload: Buffer;
  receivedAt: number;
}
export type IngestRecord = UplinkRecord | DeadLetterRecord;
/** 'stored' carries the new row id; a duplicate (device, boot, seq) is not stored again. */
export type IngestResult = { status: 'stored'; id: number } | { status: 'duplicate' } | { status: 'dead-lettered' };

/** Dead letters keep the bytes as they came: text when it is UTF-8, base64 otherwise. */
function payloadText(payload: Buffer): string {
  const text = payload.toString('utf8');
  return Buffer.from(text, 'utf8').equals(payload) ? text : `base64:${payload.toString('base64')}`;
}

/**
 * Writes uplinks and dead letters in one transaction per batch with prepared statements: the
 * hot path of the ingest, kept off drizzle's per-row query builder on purpose (about half the
 * throughput otherwise).
 */
export class EventStore {
  readonly #insertEvent: Database.Statement;
  readonly #insertDead: Database.Statement;
  readonly #batch: (records: IngestRecord[]) => IngestResult[];
  /** Made once: better-sqlite3 builds a wrapper per `transaction()` call, and this one runs per commit. */
  readonly #inTransaction: (work: () => unknown) => unknown;

  constructor(sqlite: Database.Database) {
    this.#inTransaction = sqlite.transaction((work: () => unknown) => work());
    this.#insertEvent = sqlite.prepare(
      `INSERT OR IGNORE INTO events (device_id, boot_id, seq, kind, device_ts, received_at, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertDead = sqlite.prepare(
      'INSERT INTO dead_letters (device_id, topic, reason, payload, received_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.#batch = sqlite.transaction((records: IngestRecord[]) => records.map((r) => this.#write(r)));
  }

  #write(r: IngestRecord): IngestResult {
    if (r.type === 'dead') {
      this.#insertDead.run(r.deviceId, r.topic, r.reason, payloadText(r.payload), r.receivedAt);
      return { status: 'dead-lettered' };
    }
    const info = this.#insertEvent.run(r.deviceId, r.bootId, r.seq, r.kind, r.deviceTs, r.receivedAt, r.payload);
    return info.changes === 1 ? { status: 'stored', id: Number(info.lastInsertRowid) } : { status: 'duplicate' };
  }

  /** Commits every record or none (the transaction throws and nothing is acknowledged). */
  storeBatch(records: IngestRecord[]): IngestResult[] {
    return this.#batch(records);
  }

  /**
   * Runs `work` in one transaction: the ingest stores a batch and lets the services write what the
   * uplinks change (network totals, desk states) in the same commit, one fsync for all of it.
   * A service's own transaction inside becomes a savepoint.
   */
  inTransaction<T>(work: () => T): T {
    return this.#inTransaction(work) as T; // the wrapper returns what work returned
  }
}
