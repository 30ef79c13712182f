import type Database from 'better-sqlite3';
import type { Building, Desk } from '../building/schema.js';

export const deskDefaults = {
  lowBatteryPercent: 20, // below this a sensor needs a new battery
};

export type DeskStatus = 'free' | 'occupied' | 'offline';
export interface DeskView {
  deskId: string;
  zoneId: string;
  kind: Desk['kind'];
  sensorId: string;
  status: DeskStatus;
  occupied: boolean;
  battery: number | null;
  lowBattery: boolean;
  changedAt: number | null;
}

interface DeskRuntime { occupied: boolean; battery: number | null; changedAt: number | null; online: boolean; openSince: number | null }

/**
 * Desk states from their sensors (which debounce on their side): free, occupied, offline, low
 * battery; each occupied stretch is recorded for utilisation. State comes back from the database
 * after a restart.
 */
export class DeskService {
  readonly #desks = new Map<string, Desk>();
  readonly #bySensor = new Map<string, Desk>();
  #state = new Map<string, DeskRuntime>();
  readonly #listeners: Array<(d: DeskView) => void> = [];
  readonly #sql: Record<'open' | 'close' | 'save' | 'battery', Database.Statement>;

  constructor(private readonly deps: { sqlite: Database.Database; building: Building; isOnline: (deviceId: string) => boolean }) {
    for (const d of deps.building.desks) {
      this.#desks.set(d.id, d);
      this.#bySensor.set(d.sensor, d);
    }
    this.#sql = {
      open: deps.sqlite.prepare('INSERT INTO desk_occupancy (desk_id, started_at) VALUES (?, ?)'),
      close: deps.sqlite.prepare('UPDATE desk_occupancy SET ended_at = ? WHERE desk_id = ? AND ended_at IS NULL'),
      save: deps.sqlite.prepare(
        `INSERT INTO desk_states (desk_id, occupied, battery, changed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(desk_id) DO UPDATE SET occupied = excluded.occupied, battery = excluded.battery, changed_at = excluded.changed_at`,
      ),
      battery: deps.sqlite.prepare('UPDATE desk_states SET battery = ? WHERE desk_id = ?'),
    };
  }

  start(): void {
    const rows = this.deps.sqlite.prepare('SELECT desk_id AS id, occupied, battery, changed_at AS at FROM desk_states').all() as
      Array<{ id: string; occupied: number; battery: number | null; at: number }>;
    const open = new Map((this.deps.sqlite.prepare('SELECT desk_id AS id, started_at AS s FROM desk_occupancy WHERE ended_at IS NULL').all() as
      Array<{ id: string; s: number }>).map((r) => [r.id, r.s]));
    for (const r of rows) {
      this.#state.set(r.id, { occupied: r.occupied === 1, battery: r.battery, changedAt: r.at, online: false, openSince: open.get(r.id) ?? null });
    }
  }

  onChange(listener: (d: DeskView) => void): void {
    this.#listeners.push(listener);
  }

  deskOfSensor(deviceId: string): Desk | undefined {
    return this.#bySensor.get(deviceId);
  }

  /** A desk uplink: occupancy and battery. */
  report(sensorId: string, occupied: boolean, battery: number | undefined, at: number): void {
    const desk = this.#bySensor.get(sensorId);
    if (desk === undefined) return;
    const s = this.#runtime(desk.id);
    const changed = s.occupied !== occupied;
    if (battery !== undefined) s.battery = battery;
    if (changed) {
      s.occupied = occupied;
      s.changedAt = at;
      if (occupied) {
        s.openSince = at;
        this.#sql.open.run(desk.id, at);
      } else if (s.openSince !== null) {
        this.#sql.close.run(at, desk.id);
        s.openSince = null;
      }
    }
    this.#sql.save.run(desk.id, s.occupied ? 1 : 0, s.battery, s.changedAt ?? at);
    if (changed || battery !== undefined) this.#emit(desk.id);
  }

  /** A heartbeat's battery level. */
  battery(sensorId: string, battery: number): void {
    const desk = this.#bySensor.get(sensorId);
    if (desk === undefined) return;
    const s = this.#runtime(desk.id);
    if (s.battery === battery) return;
    s.battery = battery;
    this.#sql.battery.run(battery, desk.id);
    this.#emit(desk.id);
  }

  /**
   * The sensor went online or offline. An offline sensor's last "occupied" proves nothing: its
   * occupied stretch ends here, so utilisation does not count a dead battery as a busy desk.
   */
  sensorPresence(deviceId: string, at: number): void {
    const desk = this.#bySensor.get(deviceId);
    if (desk === undefined) return;
    const s = this.#runtime(desk.id);
    if (!this.deps.isOnline(deviceId) && s.openSince !== null) {
      this.#sql.close.run(at, desk.id);
      s.openSince = null;
    } else if (this.deps.isOnline(deviceId) && s.occupied && s.openSince === null) {
      s.openSince = at;
      this.#sql.open.run(desk.id, at);
    }
    this.#emit(desk.id);
  }

  list(): DeskView[] {
    return [...this.#desks.keys()].map((id) => this.view(id) as DeskView);
  }

  view(deskId: string): DeskView | undefined {
    const desk = this.#desks.get(deskId);
    if (desk === undefined) return undefined;
    const s = this.#runtime(deskId);
    const online = this.deps.isOnline(desk.sensor);
    return {
      deskId, zoneId: desk.zone, kind: desk.kind, sensorId: desk.sensor,
      status: !online ? 'offline' : s.occupied ? 'occupied' : 'free', occupied: s.occupied, battery: s.battery,
      lowBattery: s.battery !== null && s.battery < deskDefaults.lowBatteryPercent, changedAt: s.changedAt,
    };
  }

  occupied(deskId: string): boolean {
    return this.#state.get(deskId)?.occupied === true;
  }

  #runtime(deskId: string): DeskRuntime {
    let s = this.#state.get(deskId);
    if (s === undefined) {
      s = { occupied: false, battery: null, changedAt: null, online: false, openSince: null };
      this.#state.set(deskId, s);
    }
    return s;
  }

  #emit(deskId: string): void {
    const view = this.view(deskId);
    if (view !== undefined) for (const l of this.#listeners) l(view);
  }
}
