import type { AccessDownlink, AccessReason, AllowlistDownlink, BadgeUplink, DoorUplink, RexUplink } from '../gateway/protocol/index.js';
import { applyAllowlist, type HeldAllowlist } from './allowlist.js';
import { ControllerPresence } from './controller-presence.js';
import { DeviceStoppedError, SimDevice, type CommandOutcome, type IncomingCommand, type SimDeviceOptions } from './device.js';
import { DoorLock, type LockState } from './door-lock.js';
import { decideOffline } from './offline-decision.js';

export type { HeldAllowlist } from './allowlist.js';
export type { LockState } from './door-lock.js';

export type FailMode = 'fail-safe' | 'fail-secure';

export interface SimReaderOptions extends SimDeviceOptions {
  heldOpenLimitS?: number;
  /** How long to wait for the controller's answer to a badge before deciding alone. */
  decisionTimeoutMs?: number;
  rexUnlockMs?: number;
  /** How long an offline grant releases the lock (the controller's answers say it themselves). */
  unlockMs?: number;
  /** The door while the controller is unreachable: fail-safe released, fail-secure locked. */
  failMode?: FailMode;
  /** Overrides the allow-list's own maxStalenessS. */
  maxStalenessS?: number;
}

export const readerDefaults = {
  heldOpenLimitS: 30, // 30 s open before a `held` alarm
  decisionTimeoutMs: 1_000, // 1 s for the controller's answer, then the reader decides alone
  rexUnlockMs: 5_000, // 5 s release after the exit button
  unlockMs: 5_000, // 5 s release after an offline grant, the controller's default
  failMode: 'fail-secure' as FailMode, // locked without the controller, except for offline grants
};

const MAX_TIMER_MS = 2 ** 31 - 1; // a longer timer fires at once in Node: re-arm instead

export type DoorContact = 'open' | 'closed';

/** What became of a badge: the controller's answer, or the reader's own decision. */
export interface BadgeDecision {
  source: 'controller' | 'offline';
  grant: boolean;
  reason: AccessReason;
  /** How long the lock was released; 0 on a deny. */
  unlockMs: number;
  /** The badge uplink the controller answered, or the one that reports the offline decision. */
  badge: BadgeUplink;
  /** The controller's answer, when it decided. */
  command?: AccessDownlink;
}

interface Waiter {
  uid: string;
  pin: string | undefined;
  ts: number;
  badge: BadgeUplink;
  resolve: (decision: BadgeDecision) => void;
  reject: (err: Error) => void;
}

/**
 * A badge reader and the door it guards: contact, lock, exit button and allow-list. Online the
 * controller decides each badge; when it is unreachable (link down, or no answer within
 * decisionTimeoutMs) the reader decides alone from its allow-list and reports what it decided.
 */
export class SimReader extends SimDevice {
  readonly heldOpenLimitS: number;
  readonly decisionTimeoutMs: number;
  readonly rexUnlockMs: number;
  readonly unlockMs: number;
  readonly failMode: FailMode;
  readonly maxStalenessS: number | undefined;
  readonly #lock: DoorLock;
  readonly #presence = new ControllerPresence(); // kept across reboots, with the list
  readonly #waiting = new Map<number, Waiter>(); // badge seq → presentBadge() waiting for its answer
  #door: DoorContact = 'closed';
  #authorizedOpening = false;
  #lastLocked = true;
  #allowlist: HeldAllowlist | null = null;

  constructor(options: SimReaderOptions) {
    super(options);
    this.heldOpenLimitS = options.heldOpenLimitS ?? readerDefaults.heldOpenLimitS;
    this.decisionTimeoutMs = options.decisionTimeoutMs ?? readerDefaults.decisionTimeoutMs;
    this.rexUnlockMs = options.rexUnlockMs ?? readerDefaults.rexUnlockMs;
    this.unlockMs = options.unlockMs ?? readerDefaults.unlockMs;
    this.failMode = options.failMode ?? readerDefaults.failMode;
    this.maxStalenessS = options.maxStalenessS;
    if (!(this.decisionTimeoutMs > 0)) throw new RangeError(`decisionTimeoutMs must be positive, got ${this.decisionTimeoutMs}`);
    if (this.failMode !== 'fail-safe' && this.failMode !== 'fail-secure') throw new RangeError(`failMode must be fail-safe or fail-secure, got ${String(this.failMode)}`);
    this.#lock = new DoorLock(this.clock);
  }

  get door(): DoorContact {
    return this.#door;
  }
  get lock(): LockState {
    return this.#lock.state;
  }
  /** Kept across reboots, as a real reader keeps it in flash. */
  get allowlist(): HeldAllowlist | null {
    return this.#allowlist;
  }
  /** Whether the reader believes the controller answers (link up, no badge left unanswered since it was last heard). */
  get controllerReachable(): boolean {
    return this.#presence.reachable;
  }

  /**
   * A badge (and the PIN typed, on a keypad). Online: publishes it and resolves with the
   * controller's answer. Link down, or no answer within decisionTimeoutMs: decides from the
   * allow-list, acts at once and publishes the decision (buffered while offline). Rejects only if
   * the reader is not running.
   */
  presentBadge(uid: string, pin?: string): Promise<BadgeDecision> {
    const ts = this.clock.now();
    try {
      if (!this.online) return Promise.resolve(this.#decideAlone(uid, pin, ts));
      const sent = this.sendUplink('badge', pin === undefined ? { uid } : { uid, pin });
      const seq = sent.payload.seq;
      return new Promise((resolve, reject) => {
        this.#waiting.set(seq, { uid, pin, ts, badge: sent.payload, resolve, reject });
        this.timers.set(`badge:${seq}`, () => this.#fallBack(seq, true), this.decisionTimeoutMs);
        sent.acked.catch(() => this.#fallBack(seq, false)); // dropped from a full outbox: the controller never sees it
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Opens the door: `open` if the lock was released, `forced` if not. Null if it was already open. */
  openDoor(): Promise<DoorUplink | null> {
    if (this.#door === 'open') return Promise.resolve(null);
    this.#door = 'open';
    const lock = this.#lock.state;
    this.#authorizedOpening = !lock.locked;
    // A door a manager or the schedule unlocked is meant to stand open: no held alarm then.
    if (lock.cause !== 'command' && lock.cause !== 'schedule') {
      this.timers.set('held', () => { this.#doorEvent('held').catch(() => {}); }, this.heldOpenLimitS * 1000);
    }
    return this.#doorEvent(this.#authorizedOpening ? 'open' : 'forced');
  }

  /** Closes the door; a release it was opened with is used up. Null if it was already closed. */
  closeDoor(): Promise<DoorUplink | null> {
    if (this.#door === 'closed') return Promise.resolve(null);
    this.#door = 'closed';
    this.timers.clear('held');
    if (this.#authorizedOpening && this.#lock.state.cause !== 'command') {
      this.#lock.endRelease();
      this.#lockChanged();
    }
    this.#authorizedOpening = false;
    return this.#doorEvent('closed');
  }

  /** The request-to-exit button: releases the lock for rexUnlockMs whatever happens (egress always opens), publishes `rex`. */
  pressExit(): Promise<RexUplink> {
    this.#lock.release('rex', this.rexUnlockMs);
    this.#lockChanged();
    return this.publishUplink('rex', {});
  }

  protected override handleCommand(command: IncomingCommand): CommandOutcome {
    if (this.#presence.heard(this.clock.now())) this.#presenceChanged();
    switch (command.kind) {
      case 'access': return this.#onAccess(command.msg);
      case 'allowlist': return this.#onAllowlist(command.msg);
      case 'door_cmd': {
        const { action, durationMs } = command.msg;
        this.#lock.setOverride(action === 'normal' ? null : action === 'unlock' ? 'unlocked' : 'locked', durationMs);
        this.#lockChanged();
        return { result: 'done' };
      }
    }
  }

  protected override heartbeatFields(): { allowlistVersion?: number } {
    return this.#allowlist === null ? {} : { allowlistVersion: this.#allowlist.version };
  }

  protected override onBoot(): void {
    this.#lock.reset();
    this.#lastLocked = true;
    this.#presence.boot(this.clock.now());
    this.#refreshDoor(); // a fail-safe door is released until the controller is reached
  }

  protected override onLinkChange(online: boolean): void {
    const now = this.clock.now();
    if (online ? this.#presence.linkUp(now) : this.#presence.linkDown(now)) this.#presenceChanged();
    if (!online) for (const seq of [...this.#waiting.keys()]) this.#fallBack(seq, false);
  }

  protected override onStop(): void {
    this.#presence.linkDown(this.clock.now());
    const err = new DeviceStoppedError(this.deviceId);
    for (const [seq, waiter] of [...this.#waiting]) {
      this.#waiting.delete(seq);
      waiter.reject(err);
    }
  }

  #onAccess(answer: AccessDownlink): CommandOutcome {
    const { bootId, seq } = answer.inReplyTo;
    const waiter = bootId === this.bootId ? this.#waiting.get(seq) : undefined;
    // An answer to another boot, or one that came after the reader decided alone, must not open the door now.
    if (waiter === undefined) return { result: 'rejected', ignored: 'unmatched', detail: `no badge ${bootId}/${seq} is waiting` };
    this.#waiting.delete(seq);
    this.timers.clear(`badge:${seq}`);
    if (answer.grant && this.#lock.release('grant', answer.unlockMs)) this.#lockChanged();
    this.emitEvent({ type: 'badge', uid: waiter.uid, source: 'controller', grant: answer.grant, reason: answer.reason });
    waiter.resolve({ source: 'controller', grant: answer.grant, reason: answer.reason, unlockMs: answer.unlockMs, badge: waiter.badge, command: answer });
    return { result: 'done' };
  }

  #onAllowlist(msg: AllowlistDownlink): CommandOutcome {
    const applied = applyAllowlist(this.#allowlist, msg, this.clock.now());
    if (!applied.ok) return { result: 'rejected', ignored: 'stale_base', detail: applied.detail };
    this.#allowlist = applied.list;
    this.emitEvent({ type: 'allowlist', version: msg.version, entries: applied.list.entries.size });
    this.#refreshDoor();
    return { result: 'done' };
  }

  /** The controller did not answer in time (`silent`), or the link went down: the reader decides alone. */
  #fallBack(seq: number, silent: boolean): void {
    const waiter = this.#waiting.get(seq);
    if (waiter === undefined) return;
    this.#waiting.delete(seq);
    this.timers.clear(`badge:${seq}`);
    if (silent && this.#presence.silent(this.clock.now(), waiter.ts)) this.#presenceChanged();
    try {
      waiter.resolve(this.#decideAlone(waiter.uid, waiter.pin, waiter.ts));
    } catch (err) {
      waiter.reject(err as Error);
    }
  }

  /** Decides from the allow-list, reports it (with the badge's time, and no PIN), then acts. */
  #decideAlone(uid: string, pin: string | undefined, ts: number): BadgeDecision {
    const now = this.clock.now();
    const { grant, reason, listVersion } = decideOffline(this.#allowlist, {
      uid, pin, now, unreachableForMs: this.#presence.unreachableForMs(now), doorLocked: this.#lock.state.override === 'locked',
    }, this.maxStalenessS);
    const sent = this.sendUplink('badge', { uid, offline: { grant, reason, listVersion } }, ts);
    sent.acked.catch((err: Error) => this.logger.warn(`${this.deviceId} offline decision on badge ${uid} not delivered: ${err.message}`));
    const unlockMs = grant ? this.unlockMs : 0;
    if (grant && this.#lock.release('grant', unlockMs)) this.#lockChanged();
    this.emitEvent({ type: 'badge', uid, source: 'offline', grant, reason });
    return { source: 'offline', grant, reason, unlockMs, badge: sent.payload };
  }

  #presenceChanged(): void {
    this.emitEvent({ type: 'controller', reachable: this.#presence.reachable });
    this.#refreshDoor();
  }

  /** Fail-safe release and the list's unlocked intervals (trusted while the list is fresh), from what is known now. */
  #refreshDoor(): void {
    const list = this.#allowlist;
    const reachable = this.#presence.reachable;
    this.#lock.setFailSafe(this.failMode === 'fail-safe' && !reachable);
    let validUntil = 0;
    if (list !== null) {
      const lostAt = this.#presence.lostAt ?? Number.NEGATIVE_INFINITY;
      const staleAt = reachable ? Number.POSITIVE_INFINITY : lostAt + (this.maxStalenessS ?? list.maxStalenessS) * 1000 + 1;
      validUntil = Math.min(list.horizonUntil, staleAt);
    }
    this.#lock.setSchedule(list?.doorUnlocked ?? [], validUntil);
    this.#lockChanged();
  }

  #doorEvent(state: DoorUplink['state']): Promise<DoorUplink> {
    this.emitEvent({ type: 'door', state });
    return this.publishUplink('door', { state });
  }

  /** Reports a lock change and arms the timer for the next one (end of a release, an override, an interval). */
  #lockChanged(): void {
    const state = this.#lock.state;
    if (state.locked !== this.#lastLocked) {
      this.#lastLocked = state.locked;
      this.emitEvent({ type: 'lock', locked: state.locked, until: state.locked ? null : state.until });
    }
    const next = this.#lock.nextChangeAt();
    if (next === null) this.timers.clear('relock');
    else this.timers.set('relock', () => this.#lockChanged(), Math.min(next - this.clock.now(), MAX_TIMER_MS));
  }
}
