import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Building } from '../building/schema.js';
import { counterDelta, hourOf, type CounterReading } from './counters.js';

export interface NetReport {
  eventId: number;
  meterId: string;
  bootId: string;
  uptimeS: number;
  at: number;
  counters: Array<{ port: string; rxBytes: string; txBytes: string; width: 32 | 64 }>;
}

type Subject = { type: 'person' | 'zone' | 'uplink' | 'unattributed'; id: string };
interface PortState { rx: CounterReading; tx: CounterReading; at: number }

export const usageDefaults = {
  activeWithinMs: 15 * 60_000, // a person's device with traffic in the last 15 minutes counts as a presence signal
};

/**
 * Turns meters' cumulative counters into bytes per hour and per person (through their registered
 * devices) or per office (through its ports). The last reading of each port and the id of the
 * last event counted are written in the same transaction as the totals, so a restart neither
 * loses nor counts twice: events stored but not yet counted are replayed at start.
 */
export class NetworkUsage {
  #ports = new Map<string, PortState>(); // `${meter}|${port}`
  #macs = new Map<string, number>(); // MAC → person
  #lastActivity = new Map<number, number>(); // person → last time their device moved bytes
  readonly #portZones = new Map<string, string>();
  readonly #uplinkMeters = new Set<string>();
  readonly #apply: (r: NetReport) => Array<{ subject: Subject; rx: bigint; tx: bigint; ms: number }>;

  constructor(private readonly deps: {
    sqlite: Database.Database; building: Building; logger: Logger;
    onSignal?: (personId: number, at: number) => void;
    onThroughput?: (meterId: string, bitsPerS: number, at: number) => void;
  }) {
    for (const m of deps.building.meters) {
      if (m.scope === 'uplink') this.#uplinkMeters.add(m.deviceId);
      for (const p of m.ports ?? []) this.#portZones.set(`${m.deviceId}|${p.port}`, p.zone);
    }
    const { sqlite } = deps;
    const saveState = sqlite.prepare(
      `INSERT INTO net_counter_state (meter_id, port, rx, tx, width, boot_id, uptime_s, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(meter_id, port) DO UPDATE SET rx = excluded.rx, tx = excluded.tx, width = excluded.width,
         boot_id = excluded.boot_id, uptime_s = excluded.uptime_s, at = excluded.at`,
    );
    const addUsage = sqlite.prepare(
      `INSERT INTO net_usage_hourly (hour, subject_type, subject_id, rx_bytes, tx_bytes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(hour, subject_type, subject_id) DO UPDATE SET rx_bytes = rx_bytes + excluded.rx_bytes, tx_bytes = tx_bytes + excluded.tx_bytes`,
    );
    const watermark = sqlite.prepare("INSERT INTO settings (key, value) VALUES ('net_usage_event', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    this.#apply = sqlite.transaction((r: NetReport) => {
      const out: Array<{ subject: Subject; rx: bigint; tx: bigint; ms: number }> = [];
      for (const c of r.counters) {
        const key = `${r.meterId}|${c.port}`;
        const prev = this.#ports.get(key);
        const rx: CounterReading = { value: BigInt(c.rxBytes), width: c.width, bootId: r.bootId, uptimeS: r.uptimeS };
        const tx: CounterReading = { value: BigInt(c.txBytes), width: c.width, bootId: r.bootId, uptimeS: r.uptimeS };
        const drx = counterDelta(prev?.rx, rx).bytes;
        const dtx = counterDelta(prev?.tx, tx).bytes;
        saveState.run(r.meterId, c.port, c.rxBytes, c.txBytes, c.width, r.bootId, r.uptimeS, r.at);
        const subject = this.#subject(r.meterId, c.port);
        if (drx > 0n || dtx > 0n) addUsage.run(hourOf(r.at), subject.type, subject.id, drx, dtx);
        out.push({ subject, rx: drx, tx: dtx, ms: prev === undefined ? 0 : r.at - prev.at });
        this.#ports.set(key, { rx, tx, at: r.at });
      }
      watermark.run(String(r.eventId));
      return out;
    });
  }

  /** Loads the last readings and registered devices, then counts the reports stored but not yet counted. */
  start(): void {
    const rows = this.deps.sqlite.prepare('SELECT meter_id AS m, port, rx, tx, width, boot_id AS b, uptime_s AS u, at FROM net_counter_state').all() as
      Array<{ m: string; port: string; rx: string; tx: string; width: 32 | 64; b: string; u: number; at: number }>;
    for (const r of rows) {
      this.#ports.set(`${r.m}|${r.port}`, {
        rx: { value: BigInt(r.rx), width: r.width, bootId: r.b, uptimeS: r.u },
        tx: { value: BigInt(r.tx), width: r.width, bootId: r.b, uptimeS: r.u }, at: r.at,
      });
    }
    this.reloadDevices();
    const mark = this.deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'net_usage_event'").get() as { value: string } | undefined;
    const pending = this.deps.sqlite.prepare("SELECT id, device_id AS d, received_at AS at, payload FROM events WHERE kind = 'net' AND id > ? ORDER BY id")
      .all(Number(mark?.value ?? 0)) as Array<{ id: number; d: string; at: number; payload: string }>;
    for (const e of pending) {
      try {
        const p = JSON.parse(e.payload) as { bootId: string; uptimeS: number; counters: NetReport['counters'] };
        this.report({ eventId: e.id, meterId: e.d, bootId: p.bootId, uptimeS: p.uptimeS, at: e.at, counters: p.counters });
      } catch (err) {
        // One bad stored report must not keep the controller from starting: log it and go past it.
        this.deps.logger.error({ err, eventId: e.id }, 'stored network report not counted');
        this.deps.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('net_usage_event', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
          .run(String(e.id));
      }
    }
    if (pending.length > 0) this.deps.logger.info({ replayed: pending.length }, 'network reports counted after a restart');
  }

  reloadDevices(): void {
    this.#macs = new Map((this.deps.sqlite.prepare('SELECT mac, person_id AS p FROM network_devices').all() as Array<{ mac: string; p: number }>)
      .map((r) => [r.mac.toLowerCase(), r.p]));
  }

  report(r: NetReport): void {
    const results = this.#apply(r);
    for (const { subject, rx, tx, ms } of results) {
      if (subject.type === 'person' && rx + tx > 0n) {
        const personId = Number(subject.id);
        this.#lastActivity.set(personId, r.at);
        this.deps.onSignal?.(personId, r.at);
      }
      if (subject.type === 'uplink' && ms > 0) this.deps.onThroughput?.(r.meterId, Number(((rx + tx) * 8000n) / BigInt(ms)), r.at);
    }
  }

  /** A registered device of this person moved bytes recently. */
  active(personId: number, at: number): boolean {
    return at - (this.#lastActivity.get(personId) ?? -Infinity) <= usageDefaults.activeWithinMs;
  }

  #subject(meterId: string, port: string): Subject {
    if (this.#uplinkMeters.has(meterId)) return { type: 'uplink', id: meterId };
    const person = this.#macs.get(port.toLowerCase());
    if (person !== undefined) return { type: 'person', id: String(person) };
    const zone = this.#portZones.get(`${meterId}|${port}`);
    if (zone !== undefined) return { type: 'zone', id: zone };
    return { type: 'unattributed', id: `${meterId}|${port}` };
  }
}
