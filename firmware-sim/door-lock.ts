import { nextBoundary, runEnd, type Interval } from './allowlist.js';
import type { Clock } from './clock.js';

/**
 * The lock of one door, as its reader drives it: momentary releases (a granted badge, the exit
 * button), a manager's override (unlock or lock, for a while or until "normal"), the door's
 * unlocked intervals from the allow-list, and the fail-safe release while the controller is gone.
 * Pure state over a clock; the reader publishes what it means.
 */

export type ReleaseCause = 'grant' | 'rex';
export type OverrideMode = 'unlocked' | 'locked';

export interface LockState {
  locked: boolean;
  /** When the current state ends on its own; null when it lasts until something happens. */
  until: number | null;
  /** Why the door is unlocked, when it is. */
  cause: ReleaseCause | 'command' | 'schedule' | 'fail-safe' | null;
  override: OverrideMode | null;
}

export class DoorLock {
  #release: { until: number; cause: ReleaseCause } | null = null;
  #override: { mode: OverrideMode; until: number | null } | null = null;
  #schedule: { intervals: readonly Interval[]; validUntil: number } = { intervals: [], validUntil: 0 };
  #failSafe = false;

  constructor(private readonly clock: Clock) {}

  /** Back to power-up state: locked, no override (a real controller resends a standing override). */
  reset(): void {
    this.#release = null;
    this.#override = null;
    this.#schedule = { intervals: [], validUntil: 0 };
    this.#failSafe = false;
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

  /** The intervals when the door is unlocked for everyone, trusted until `validUntil` (epoch ms). */
  setSchedule(intervals: readonly Interval[], validUntil: number): void {
    this.#schedule = { intervals, validUntil };
  }

  /** A fail-safe door is released while its reader cannot reach the controller. */
  setFailSafe(released: boolean): void {
    this.#failSafe = released;
  }

  /** True when the door may open without it being forced. */
  get unlocked(): boolean {
    return !this.state.locked;
  }

  /** A manager's unlock beats everything; a lock beats all but the exit button; then schedule, fail-safe, releases. */
  get state(): LockState {
    const now = this.clock.now();
    const override = this.#activeOverride();
    const release = this.#release !== null && now < this.#release.until ? this.#release : null;
    if (override?.mode === 'unlocked') {
      return { locked: false, until: override.until, cause: 'command', override: 'unlocked' };
    }
    if (override === null) {
      const scheduleEnd = this.#scheduleEnd(now);
      if (scheduleEnd !== null) return { locked: false, until: scheduleEnd, cause: 'schedule', override: null };
      if (this.#failSafe) return { locked: false, until: null, cause: 'fail-safe', override: null };
    }
    if (release !== null) return { locked: false, until: release.until, cause: release.cause, override: override?.mode ?? null };
    return { locked: true, until: override?.until ?? null, cause: null, override: override?.mode ?? null };
  }

  /** The next time the state may change by itself, for the reader's relock timer; null if none. */
  nextChangeAt(): number | null {
    const now = this.clock.now();
    const { intervals, validUntil } = this.#schedule;
    const times = [this.#release?.until, this.#override?.until, validUntil, nextBoundary(intervals, now)]
      .filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t > now);
    return times.length === 0 ? null : Math.min(...times);
  }

  #scheduleEnd(now: number): number | null {
    const { intervals, validUntil } = this.#schedule;
    if (now >= validUntil) return null;
    const end = runEnd(intervals, now);
    return end === null ? null : Math.min(end, validUntil);
  }

  #activeOverride(): { mode: OverrideMode; until: number | null } | null {
    const o = this.#override;
    return o !== null && (o.until === null || this.clock.now() < o.until) ? o : null;
  }
}
