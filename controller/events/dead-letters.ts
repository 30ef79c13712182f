import type Database from 'better-sqlite3';

export interface DeadLetterRow { id: number; deviceId: string | null; topic: string; reason: string; payload: string; receivedAt: number }

export function listDeadLetters(sqlite: Database.Database, limit: number): DeadLetterRow[] {
  return sqlite.prepare<[number], DeadLetterRow>(
    `SELECT id, device_id AS deviceId, topic, reason, payload, received_at AS receivedAt
     FROM dead_letters ORDER BY id DESC LIMIT ?`,
  ).all(limit);
}
