import type { Clock } from './clock.js';

/**
 * The lock of one door, as its reader drives it: momentary releases (a granted badge, the exit
 * button) and a manager's override (unlock or lock, for a while or until "normal"). Pure state
 * over a clock; the reader publishes what it means.
 */

export type ReleaseCause = 'grant' | 'rex';
export type OverrideMode = 'unlocked' | 'locked';

export interface LockState {
  locked: boolean;
  /** When the current state ends on its own; null when it lasts until something happens. */
  until: number | null;
  /** Why the door is unlocked, when it is. */
  cause: ReleaseCause | 'command' | null;
  override: OverrideMode | null;
}

export class DoorLock {
  #release: { until: number; cause: ReleaseCause } | null = null;
  #override: { mode: OverrideMode; until: number | null } | null = null;

  constructor(private readonly clock: Clock) {}

  /** Back to power-up state: locked, no override (a real controller resends a standing override). */
  reset(): void {
    this.#release = null;
    this.#override = null;
  }

  /** Releases for `ms`. A badge grant does not beat a lockdown; the exit button always does (egress always opens). */
  release(cause: ReleaseCause, ms: number): boolean {
    if (ms <= 0) return false;
    if (cause === 'grant' && this.#activeOverride()?.mode === 'locked') return false;
    this.#release = { until: this.clock.now() + ms, cause };
    return true;
  }

  /** One grant, one passage: the door closing after it relocks at once. */
  endRelease(): void {
    this.#release = null;
  }

  setOverride(mode: OverrideMode | null, durationMs?: number): void {
    this.#override = mode === null ? null : { mode, until: durationMs === undefined ? null : this.clock.now() + durationMs };
    if (mode === 'locked') this.#release = null;
  }

  /** True when the door may open without it being forced. */
  get unlocked(): boolean {
    return !this.state.locked;
  }

  get state(): LockState {
    const now = this.clock.now();
    const override = this.#activeOverride();
    const release = this.#release !== null && now < this.#release.until ? this.#release : null;
    if (override?.mode === 'unlocked') {
      return { locked: false, until: override.until, cause: 'command', override: 'unlocked' };
    }
    if (release !== null) return { locked: false, until: release.until, cause: release.cause, override: override?.mode ?? null };
    return { locked: true, until: override?.until ?? null, cause: null, override: override?.mode ?? null };
  }

  /** The next time the state changes by itself, for the reader's relock timer; null if none. */
  nextChangeAt(): number | null {
    const now = this.clock.now();
    const times = [this.#release?.until, this.#override?.until].filter((t): t is number => typeof t === 'number' && t > now);
    return times.length === 0 ? null : Math.min(...times);
  }

  #activeOverride(): { mode: OverrideMode; until: number | null } | null {
    const o = this.#override;
    return o !== null && (o.until === null || this.clock.now() < o.until) ? o : null;
  }
}
