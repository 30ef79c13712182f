import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AuditFn } from '../auth/audit.js';
import { AccessError } from './errors.js';

/**
 * Emergency modes, ranked: evacuation (every door unlocked for egress) beats lockdown (every
 * schedule overridden). Who set them, when and why is kept; an optional duration ends them by
 * itself, even across a restart.
 */
export class EmergencyControl {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: {
    sqlite: Database.Database; audit: AuditFn; clock: () => number; logger: Logger;
    /** reload the access state, then command every door */
    apply: (mode: 'none' | 'lockdown' | 'evacuation', by: string) => Promise<void>;
  }) {}

  current(): { id: number; mode: 'lockdown' | 'evacuation'; reason: string; setBy: string; setAt: number; revertAt: number | null } | undefined {
    return this.deps.sqlite.prepare(
      'SELECT id, mode, reason, set_by AS setBy, set_at AS setAt, revert_at AS revertAt FROM emergencies WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1',
    ).get() as never;
  }

  start(): void {
    const active = this.current();
    if (active?.revertAt != null) this.#schedule(active.revertAt);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async set(mode: 'lockdown' | 'evacuation', reason: string, by: string, durationMs?: number): Promise<void> {
    const active = this.current();
    if (active?.mode === 'evacuation' && mode === 'lockdown') {
      throw new AccessError(409, 'an evacuation is in progress: end it before a lockdown');
    }
    const now = this.deps.clock();
    const revertAt = durationMs === undefined ? null : now + durationMs;
    this.deps.sqlite.transaction(() => {
      this.deps.sqlite.prepare('UPDATE emergencies SET ended_by = ?, ended_at = ? WHERE ended_at IS NULL').run(by, now);
      this.deps.sqlite.prepare('INSERT INTO emergencies (mode, reason, set_by, set_at, revert_at) VALUES (?, ?, ?, ?, ?)')
        .run(mode, reason, by, now, revertAt);
    })();
    this.deps.audit({ actor: by, action: `emergency.${mode}`, subject: 'building', detail: { reason, durationMs } });
    this.stop();
    if (revertAt !== null) this.#schedule(revertAt);
    await this.#apply(mode, by);
  }

  /** The mode is saved already; if commanding the doors fails, say so loudly and keep the record. */
  async #apply(mode: 'none' | 'lockdown' | 'evacuation', by: string): Promise<void> {
    try {
      await this.deps.apply(mode, by);
    } catch (err) {
      this.deps.logger.error({ err, mode }, 'emergency mode saved but not every door could be commanded');
      throw err;
    }
  }

  async end(by: string): Promise<void> {
    if (this.current() === undefined) throw new AccessError(409, 'no emergency mode is in force');
    this.deps.sqlite.prepare('UPDATE emergencies SET ended_by = ?, ended_at = ? WHERE ended_at IS NULL').run(by, this.deps.clock());
    this.deps.audit({ actor: by, action: 'emergency.end', subject: 'building' });
    this.stop();
    await this.#apply('none', by);
  }

  #schedule(revertAt: number): void {
    const delay = Math.max(0, revertAt - this.deps.clock());
    const MAX_TIMER = 2 ** 31 - 1; // ~24.8 days: Node's timers cannot wait longer, so a longer wait is taken in steps
    this.#timer = setTimeout(() => {
      if (revertAt > this.deps.clock()) {
        this.#schedule(revertAt);
        return;
      }
      this.end('auto-revert').catch((err: unknown) => this.deps.logger.error({ err }, 'emergency auto-revert failed'));
    }, Math.min(delay, MAX_TIMER));
    this.#timer.unref();
  }
}
