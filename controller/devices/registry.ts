import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import type { BuildingDevice, DeviceKind } from '../building/devices.js';
import { deviceSecretMatches, hashDeviceSecret, newDeviceSecret } from './secrets.js';

/** What the registry needs from whoever holds the device connections (the broker). */
export interface DeviceConnections {
  /** Closes the device's MQTT connection at once; false when it was not connected here. */
  disconnect(deviceId: string): boolean;
}

export interface DeviceRow {
  id: string;
  kind: DeviceKind;
  provisioned: boolean;
  disabled: boolean;
  online: boolean;
  bootId: string | null;
  lastSeenAt: number | null;
  provisionedAt: number | null;
  createdAt: number;
}

export class DeviceError extends Error {
  constructor(readonly statusCode: 404 | 409, message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

interface RawRow {
  id: string; kind: DeviceKind; secret_hash: string | null; disabled: number; online: number;
  boot_id: string | null; last_seen_at: number | null; provisioned_at: number | null; created_at: number;
}

function toRow(r: RawRow): DeviceRow {
  return {
    id: r.id, kind: r.kind, provisioned: r.secret_hash !== null, disabled: r.disabled === 1, online: r.online === 1,
    bootId: r.boot_id, lastSeenAt: r.last_seen_at, provisionedAt: r.provisioned_at, createdAt: r.created_at,
  };
}

/** Devices known to the controller, their MQTT credentials and whether they may connect. */
export class DeviceRegistry {
  readonly #byId: Database.Statement<[string], RawRow>;
  readonly #credentials: Database.Statement<[string], { secret_hash: string | null; disabled: number }>;

  constructor(private readonly deps: {
    sqlite: Database.Database;
    clock: () => number;
    audit: AuditFn;
    connections: DeviceConnections;
  }) {
    this.#byId = deps.sqlite.prepare('SELECT * FROM devices WHERE id = ?');
    this.#credentials = deps.sqlite.prepare('SELECT secret_hash, disabled FROM devices WHERE id = ?');
  }

  /** Registers the building's devices that the database does not know yet; never removes any. */
  syncBuilding(devices: BuildingDevice[]): number {
    const insert = this.deps.sqlite.prepare('INSERT OR IGNORE INTO devices (id, kind, created_at) VALUES (?, ?, ?)');
    const now = this.deps.clock();
    const tx = this.deps.sqlite.transaction(() => devices.reduce((n, d) => n + insert.run(d.deviceId, d.kind, now).changes, 0));
    return tx();
  }

  checkDevice(deviceId: string, secret: string): boolean {
    const row = this.#credentials.get(deviceId);
    return row !== undefined && row.disabled === 0 && row.secret_hash !== null && deviceSecretMatches(secret, row.secret_hash);
  }

  list(): DeviceRow[] {
    return this.deps.sqlite.prepare<[], RawRow>('SELECT * FROM devices ORDER BY id').all().map(toRow);
  }

  get(deviceId: string): DeviceRow {
    const row = this.#byId.get(deviceId);
    if (row === undefined) throw new DeviceError(404, `device "${deviceId}" is not registered`);
    return toRow(row);
  }

  register(deviceId: string, kind: DeviceKind, actor: string): DeviceRow {
    const info = this.deps.sqlite.prepare('INSERT OR IGNORE INTO devices (id, kind, created_at) VALUES (?, ?, ?)')
      .run(deviceId, kind, this.deps.clock());
    if (info.changes === 0) throw new DeviceError(409, `device "${deviceId}" is already registered`);
    this.deps.audit({ actor, action: 'device.register', subject: deviceId, detail: { kind } });
    return this.get(deviceId);
  }

  /** Gives a registered device its first secret, returned once and stored hashed. */
  provision(deviceId: string, actor: string): string {
    const device = this.get(deviceId);
    if (device.provisioned) throw new DeviceError(409, `device "${deviceId}" is already provisioned: rotate its secret instead`);
    return this.#setSecret(deviceId, actor, 'device.provision');
  }

  /** Replaces the secret; the device's current session is closed since its old secret no longer works. */
  rotate(deviceId: string, actor: string): string {
    this.get(deviceId);
    const secret = this.#setSecret(deviceId, actor, 'device.rotate');
    this.deps.connections.disconnect(deviceId);
    return secret;
  }

  setDisabled(deviceId: string, disabled: boolean, actor: string): DeviceRow {
    this.get(deviceId);
    this.deps.sqlite.prepare('UPDATE devices SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, deviceId);
    this.deps.audit({ actor, action: disabled ? 'device.disable' : 'device.enable', subject: deviceId });
    if (disabled) this.deps.connections.disconnect(deviceId);
    return this.get(deviceId);
  }

  #setSecret(deviceId: string, actor: string, action: string): string {
    const secret = newDeviceSecret();
    this.deps.sqlite.prepare('UPDATE devices SET secret_hash = ?, provisioned_at = ? WHERE id = ?')
      .run(hashDeviceSecret(secret), this.deps.clock(), deviceId);
    this.deps.audit({ actor, action, subject: deviceId });
    return secret;
  }
}
