import type Database from 'better-sqlite3';

export interface PresenceStore {
  /** Devices recorded online, with when they were last seen, to resume after a restart. */
  loadOnline(): Array<{ deviceId: string; lastSeenAt: number }>;
  /** Records an online/offline transition and its reason in one transaction. */
  transition(deviceId: string, online: boolean, reason: string, at: number, bootId: string | null): boolean;
  saveLastSeen(seen: Map<string, number>): void;
}

export function createPresenceStore(sqlite: Database.Database): PresenceStore {
  const loadOnline = sqlite.prepare<[], { id: string; last_seen_at: number | null }>(
    'SELECT id, last_seen_at FROM devices WHERE online = 1',
  );
  const setState = sqlite.prepare(
    'UPDATE devices SET online = ?, boot_id = COALESCE(?, boot_id), last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?',
  );
  const log = sqlite.prepare('INSERT INTO device_presence_log (device_id, online, reason, at) VALUES (?, ?, ?, ?)');
  const setSeen = sqlite.prepare('UPDATE devices SET last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?');
  const transition = sqlite.transaction((deviceId: string, online: boolean, reason: string, at: number, bootId: string | null) => {
    if (setState.run(online ? 1 : 0, bootId, at, deviceId).changes === 0) return false;
    log.run(deviceId, online ? 1 : 0, reason, at);
    return true;
  });
  const saveSeen = sqlite.transaction((seen: Map<string, number>) => {
    for (const [id, at] of seen) setSeen.run(at, id);
  });
  return {
    loadOnline: () => loadOnline.all().map((r) => ({ deviceId: r.id, lastSeenAt: r.last_seen_at ?? 0 })),
    transition: (deviceId, online, reason, at, bootId) => transition(deviceId, online, reason, at, bootId),
    saveLastSeen: (seen) => saveSeen(seen),
  };
}
