import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AllowlistEntry } from '../../gateway/protocol/index.js';
import { compileAllowlist } from './allowlist-compile.js';
import type { CommandSender, ReaderPlace } from './ports.js';
import type { AccessState } from './state.js';

export const allowlistDefaults = {
  horizonMs: 48 * 3_600_000, // 48 h of intervals in each list
  maxStalenessS: 24 * 3_600, // 24 h of deciding alone, then deny
  refreshMs: 3_600_000, // 1 h: a full list again, so the horizon keeps ahead
  chunkEntries: 1_000, // entries per message (the wire contract's limit)
  chunkBytes: 56_000, // JSON bytes of entries per message: the whole message stays under the 64 KiB packet limit
  ttlMs: 60_000, // 1 minute
};

interface Sent { version: number; entries: Map<string, string> }

/**
 * Keeps on each reader a versioned allow-list of the badges relevant to its door: a full list
 * when the reader comes online and every hour, a delta after each change (a revoked badge
 * reaches an online reader as fast as the message does).
 */
export class AllowlistSync {
  #sent = new Map<string, Sent>();
  #versions: Record<string, number>;
  #timer: NodeJS.Timeout | undefined;
  readonly #saveVersions: Database.Statement;

  constructor(private readonly deps: {
    state: AccessState;
    readers: Map<string, ReaderPlace>;
    commands: CommandSender;
    sqlite: Database.Database;
    clock: () => number;
    logger: Logger;
    isOnline: (deviceId: string) => boolean;
    maxStalenessS?: number;
  }) {
    const row = deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'allowlist_versions'").get() as { value: string } | undefined;
    this.#versions = row === undefined ? {} : (JSON.parse(row.value) as Record<string, number>);
    this.#saveVersions = deps.sqlite.prepare(
      "INSERT INTO settings (key, value) VALUES ('allowlist_versions', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
  }

  start(): void {
    this.#timer = setInterval(() => this.syncAll('full'), allowlistDefaults.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A reader (re)connected: it gets its whole list. */
  readerOnline(deviceId: string): void {
    if (this.deps.readers.has(deviceId)) void this.#sync(deviceId, 'full');
  }

  /** After any change to access data: deltas to every online reader. */
  syncAll(mode: 'full' | 'delta' = 'delta'): void {
    for (const deviceId of this.deps.readers.keys()) {
      if (this.deps.isOnline(deviceId)) void this.#sync(deviceId, mode);
    }
  }

  version(deviceId: string): number {
    return this.#versions[deviceId] ?? 0;
  }

  async #sync(deviceId: string, mode: 'full' | 'delta'): Promise<void> {
    const place = this.deps.readers.get(deviceId);
    if (place === undefined) return;
    const now = this.deps.clock();
    const horizon = now + allowlistDefaults.horizonMs;
    const { entries, doorUnlocked } = compileAllowlist(this.deps.state, place, now, horizon);
    const previous = this.#sent.get(deviceId);
    const json = new Map([...entries].map(([uid, e]) => [uid, JSON.stringify(e)]));
    let upsert: AllowlistEntry[];
    let remove: string[] = [];
    const full = mode === 'full' || previous === undefined;
    if (full) {
      upsert = [...entries.values()];
    } else {
      const before = (previous as Sent).entries;
      upsert = [...entries.values()].filter((e) => before.get(e.uid) !== json.get(e.uid));
      remove = [...before.keys()].filter((uid) => !entries.has(uid));
      if (upsert.length === 0 && remove.length === 0) return;
    }
    const messages = chunkAllowlist(upsert, remove);
    // Versions are taken synchronously, before any await: two syncs of the same reader never reuse one.
    let version = this.version(deviceId);
    const bodies = messages.map((m, i) => {
      const base = version;
      version += 1;
      const isFull = full && i === 0;
      return {
        version, mode: isFull ? 'full' as const : 'delta' as const, ...(isFull ? {} : { baseVersion: base }), upsert: m.upsert, remove: m.remove,
        maxStalenessS: this.deps.maxStalenessS ?? allowlistDefaults.maxStalenessS, horizonUntil: horizon, doorUnlocked,
      };
    });
    this.#versions[deviceId] = version;
    this.#sent.set(deviceId, { version, entries: json });
    try {
      // One connection keeps them in order: the reader applies each delta on the version before it.
      await Promise.all(bodies.map((body) => this.deps.commands.send(deviceId, 'allowlist', body, allowlistDefaults.ttlMs)));
    } catch (err) {
      this.#sent.delete(deviceId); // not sure what it holds: the next sync is a full one
      this.deps.logger.warn({ err, deviceId }, 'allow-list not sent');
    }
    this.#saveVersions.run(JSON.stringify(this.#versions));
  }
}

/**
 * Splits a list into messages that each fit one MQTT packet: at most 1000 entries and about 56 KB
 * of entries (a badge open every day of the horizon takes ~250 bytes, one with a single interval ~70).
 */
export function chunkAllowlist(upsert: AllowlistEntry[], remove: string[]): Array<{ upsert: AllowlistEntry[]; remove: string[] }> {
  const { chunkEntries, chunkBytes } = allowlistDefaults;
  const messages: Array<{ upsert: AllowlistEntry[]; remove: string[] }> = [];
  let current: { upsert: AllowlistEntry[]; remove: string[] } = { upsert: [], remove: [] };
  let bytes = 0;
  const room = (size: number) => current.upsert.length + current.remove.length < chunkEntries && bytes + size <= chunkBytes;
  const next = () => {
    messages.push(current);
    current = { upsert: [], remove: [] };
    bytes = 0;
  };
  for (const uid of remove) {
    if (!room(uid.length + 3)) next();
    current.remove.push(uid);
    bytes += uid.length + 3;
  }
  for (const entry of upsert) {
    const size = JSON.stringify(entry).length + 1;
    if (!room(size)) next();
    current.upsert.push(entry);
    bytes += size;
  }
  messages.push(current);
  return messages;
}
