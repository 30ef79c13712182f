import type { AccessDownlink, AllowlistDownlink, AllowlistEntry, DoorUplink, RexUplink } from '../gateway/protocol/index.js';
import { DeviceStoppedError, SimDevice, type CommandOutcome, type IncomingCommand, type SimDeviceOptions } from './device.js';
import { DoorLock, type LockState } from './door-lock.js';

export type { LockState } from './door-lock.js';

export interface SimReaderOptions extends SimDeviceOptions {
  heldOpenLimitS?: number;
  badgeTimeoutMs?: number;
  rexUnlockMs?: number;
}

export const readerDefaults = {
  heldOpenLimitS: 30, // 30 s open before a `held` alarm
  badgeTimeoutMs: 3_000, // 3 s for the controller's answer to a badge
  rexUnlockMs: 5_000, // 5 s release after the exit button
};

export type DoorContact = 'open' | 'closed';

/** The reader's copy of its offline allow-list (deciding from it comes with offline mode). */
export interface HeldAllowlist {
  version: number;
  entries: ReadonlyMap<string, AllowlistEntry>;
  maxStalenessS: number;
  receivedAt: number;
}

export class BadgeTimeoutError extends Error {
  constructor(deviceId: string, uid: string, ms: number) {
    super(`reader ${deviceId}: no access answer for badge ${uid} within ${ms} ms`);
    this.name = 'BadgeTimeoutError';
  }
}

interface Waiter {
  resolve: (answer: AccessDownlink) => void;
  reject: (err: Error) => void;
}

/** A badge reader and the door it guards: contact, lock, exit button and allow-list. */
export class SimReader extends SimDevice {
  readonly heldOpenLimitS: number;
  readonly badgeTimeoutMs: number;
  readonly rexUnlockMs: number;
  readonly #lock: DoorLock;
  readonly #waiting = new Map<number, Waiter>(); // badge seq → presentBadge() waiting for its answer
  #door: DoorContact = 'closed';
  #authorizedOpening = false;
  #lastLocked = true;
  #allowlist: HeldAllowlist | null = null;

  constructor(options: SimReaderOptions) {
    super(options);
    this.heldOpenLimitS = options.heldOpenLimitS ?? readerDefaults.heldOpenLimitS;
    this.badgeTimeoutMs = options.badgeTimeoutMs ?? readerDefaults.badgeTimeoutMs;
    this.rexUnlockMs = options.rexUnlockMs ?? readerDefaults.rexUnlockMs;
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

  /** Publishes a badge uplink; resolves with the controller's access answer, rejects after badgeTimeoutMs. */
  presentBadge(uid: string, pin?: string): Promise<AccessDownlink> {
    let sent: ReturnType<SimReader['sendUplink']>;
    try {
      sent = this.sendUplink('badge', pin === undefined ? { uid } : { uid, pin });
    } catch (err) {
      return Promise.reject(err);
    }
    const seq = sent.payload.seq;
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      this.timers.set(`badge:${seq}`, () => this.#settle(seq, new BadgeTimeoutError(this.deviceId, uid, this.badgeTimeoutMs)), this.badgeTimeoutMs);
      sent.acked.catch((err: Error) => this.#settle(seq, err));
    });
  }

  /** Opens the door: `open` if the lock was released, `forced` if not. Null if it was already open. */
  openDoor(): Promise<DoorUplink | null> {
    if (this.#door === 'open') return Promise.resolve(null);
    this.#door = 'open';
    this.#authorizedOpening = this.#lock.unlocked;
    // A door a manager unlocked is meant to stand open: no held alarm then.
    if (this.#lock.state.override !== 'unlocked') {
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

  /** The request-to-exit button: publishes `rex` and releases the lock for rexUnlockMs. */
  pressExit(): Promise<RexUplink> {
    this.#lock.release('rex', this.rexUnlockMs);
    this.#lockChanged();
    return this.publishUplink('rex', {});
  }

  protected override handleCommand(command: IncomingCommand): CommandOutcome {
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

  protected override onBoot(): void {
    this.#lock.reset();
    this.#lastLocked = true;
  }

  protected override onStop(): void {
    const err = new DeviceStoppedError(this.deviceId);
    for (const seq of [...this.#waiting.keys()]) this.#settle(seq, err);
  }

  #onAccess(answer: AccessDownlink): CommandOutcome {
    const { bootId, seq } = answer.inReplyTo;
    // An answer to another boot, or one that came after the timeout, must not open the door now.
    if (bootId !== this.bootId || !this.#waiting.has(seq)) {
      return { result: 'rejected', ignored: 'unmatched', detail: `no badge ${bootId}/${seq} is waiting` };
    }
    if (answer.grant && this.#lock.release('grant', answer.unlockMs)) this.#lockChanged();
    this.#settle(seq, answer);
    return { result: 'done' };
  }

  #onAllowlist(list: AllowlistDownlink): CommandOutcome {
    const held = this.#allowlist;
    let entries: Map<string, AllowlistEntry>;
    if (list.mode === 'full') {
      entries = new Map(list.upsert.map((e) => [e.uid, e]));
    } else {
      if (held === null || list.baseVersion !== held.version) {
        const detail = `delta on version ${list.baseVersion ?? 'none'} but version ${held?.version ?? 'none'} is held`;
        return { result: 'rejected', ignored: 'stale_base', detail };
      }
      entries = new Map(held.entries);
      for (const e of list.upsert) entries.set(e.uid, e);
      for (const uid of list.remove) entries.delete(uid);
    }
    this.#allowlist = { version: list.version, entries, maxStalenessS: list.maxStalenessS, receivedAt: this.clock.now() };
    this.emitEvent({ type: 'allowlist', version: list.version, entries: entries.size });
    return { result: 'done' };
  }

  #settle(seq: number, outcome: AccessDownlink | Error): void {
    const waiter = this.#waiting.get(seq);
    if (waiter === undefined) return;
    this.#waiting.delete(seq);
    this.timers.clear(`badge:${seq}`);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  #doorEvent(state: DoorUplink['state']): Promise<DoorUplink> {
    this.emitEvent({ type: 'door', state });
    return this.publishUplink('door', { state });
  }

  /** Reports a lock change and arms the timer for the next one (end of a release or an override). */
  #lockChanged(): void {
    const state = this.#lock.state;
    if (state.locked !== this.#lastLocked) {
      this.#lastLocked = state.locked;
      this.emitEvent({ type: 'lock', locked: state.locked, until: state.locked ? null : state.until });
    }
    const next = this.#lock.nextChangeAt();
    if (next === null) this.timers.clear('relock');
    else this.timers.set('relock', () => this.#lockChanged(), next - this.clock.now());
  }
}
