import type { Logger } from 'pino';
import type { PresenceStore } from './presence-store.js';

export const presenceDefaults = {
  sweepIntervalMs: 5_000, // 5 s between checks for silent devices, and between last-seen flushes
};

export type PresenceChange = { deviceId: string; online: boolean; reason: string; at: number };

/**
 * Which devices are online: birth and last-will status, any uplink as a sign of life, and a
 * device silent for longer than `offlineAfterMs` marked offline. Last-seen times are kept in
 * memory and flushed in batches, since every uplink would otherwise cost a write.
 */
export class DevicePresence {
  #online = new Map<string, number>(); // deviceId → last seen (ms)
  #graceMs = new Map<string, number>(); // deviceId → silence allowed, from its declared heartbeat interval
  #dirty = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  readonly #sweepIntervalMs: number;

  constructor(private readonly deps: {
    store: PresenceStore;
    clock: () => number;
    offlineAfterMs: number;
    logger: Logger;
    onChange?: (change: PresenceChange) => void;
    sweepIntervalMs?: number;
  }) {
    this.#sweepIntervalMs = deps.sweepIntervalMs ?? presenceDefaults.sweepIntervalMs;
  }

  start(): void {
    // Resume from the database: a device online before a restart stays so until it falls silent.
    for (const { deviceId, lastSeenAt } of this.deps.store.loadOnline()) this.#online.set(deviceId, lastSeenAt);
    this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#flush();
  }

  isOnline(deviceId: string): boolean {
    return this.#online.has(deviceId);
  }

  /**
   * Any accepted uplink from the device. A heartbeat declares its interval: a battery sensor
   * beating every 15 minutes is allowed three missed beats, not the default silence.
   */
  seen(deviceId: string, bootId: string, at: number, heartbeatIntervalS?: number): void {
    if (heartbeatIntervalS !== undefined) {
      this.#graceMs.set(deviceId, Math.max(this.deps.offlineAfterMs, 3 * heartbeatIntervalS * 1000));
    }
    if (!this.#online.has(deviceId) && !this.#transition(deviceId, true, 'uplink', at, bootId)) return;
    this.#online.set(deviceId, Math.max(at, this.#online.get(deviceId) ?? 0));
    this.#dirty.set(deviceId, at);
  }

  /** A birth (online) or last-will / clean-stop (offline) status message. */
  status(deviceId: string, state: 'online' | 'offline', bootId: string, at: number): void {
    if (state === 'online') {
      if (this.#transition(deviceId, true, 'birth', at, bootId)) this.#online.set(deviceId, at);
    } else if (this.#online.has(deviceId)) {
      this.#online.delete(deviceId);
      this.#dirty.delete(deviceId);
      this.#transition(deviceId, false, 'last will or clean stop', at, bootId);
    }
  }

  /** Marks offline every device silent for too long; called by the timer, and by tests with their own clock. */
  sweep(now = this.deps.clock()): void {
    for (const [deviceId, lastSeen] of this.#online) {
      if (now - lastSeen > (this.#graceMs.get(deviceId) ?? this.deps.offlineAfterMs)) {
        this.#online.delete(deviceId);
        this.#dirty.delete(deviceId);
        this.#transition(deviceId, false, 'heartbeats missed', now, null);
      }
    }
    this.#flush();
  }

  #flush(): void {
    if (this.#dirty.size === 0) return;
    const dirty = this.#dirty;
    this.#dirty = new Map();
    this.deps.store.saveLastSeen(dirty);
  }

  #transition(deviceId: string, online: boolean, reason: string, at: number, bootId: string | null): boolean {
    if (!this.deps.store.transition(deviceId, online, reason, at, bootId)) {
      this.deps.logger.warn({ deviceId }, 'presence of an unregistered device ignored');
      return false;
    }
    this.deps.logger.info({ deviceId, online, reason }, online ? 'device online' : 'device offline');
    this.deps.onChange?.({ deviceId, online, reason, at });
    return true;
  }
}
