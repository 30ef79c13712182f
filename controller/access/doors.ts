export const doorDefaults = {
  graceMs: 2_000, // a door opened this long after its release window still counts as the granted passage
};

export interface PendingGrant {
  personId: number | null;
  fromZone: string;
  toZone: string;
  decisionId: Promise<number>;
  /** the release window ends here */
  until: number;
  passId?: number;
  /** the main entrance: the passage updates anti-passback */
  passback: boolean;
  /** an offline grant already recorded as a passage: the opening it explains is not counted again */
  counted?: boolean;
}

interface DoorEpisode {
  open: boolean;
  forcedRaised: boolean;
  heldRaised: boolean;
  heldTimer: NodeJS.Timeout | undefined;
}

export interface DoorMonitorDeps {
  clock: () => number;
  heldLimitMs: (doorId: string) => number;
  /** the door is free to open now (unlocked mode or schedule, remote unlock, evacuation) */
  isFree: (doorId: string, at: number) => boolean;
  onPassage: (doorId: string, grant: PendingGrant, at: number) => void;
  onAlarm: (kind: 'forced' | 'held', doorId: string, detail: string, at: number) => void;
  onState: (doorId: string, state: 'open' | 'closed' | 'forced' | 'held', at: number) => void;
}

/**
 * Follows each door's contact: a grant followed by the door opening is a passage; an opening
 * with no grant, no exit request and no reason to be free is forced; an opening longer than the
 * door's limit is held. Readers report forced and held too; each alarm is raised once per opening.
 */
export class DoorMonitor {
  #episodes = new Map<string, DoorEpisode>();
  #grants = new Map<string, PendingGrant[]>();
  #exitUntil = new Map<string, number>();

  constructor(private readonly deps: DoorMonitorDeps) {}

  granted(doorId: string, grant: PendingGrant): void {
    const live = (this.#grants.get(doorId) ?? []).filter((g) => g.until + doorDefaults.graceMs >= this.deps.clock());
    live.push(grant);
    this.#grants.set(doorId, live);
  }

  /** The exit button releases the lock: the opening that follows is egress, not forced. */
  exitRequested(doorId: string, at: number, releaseMs: number): void {
    this.#exitUntil.set(doorId, at + releaseMs);
  }

  contact(doorId: string, state: 'open' | 'closed' | 'forced' | 'held', at: number): void {
    const ep = this.#episode(doorId);
    if (state === 'closed') {
      if (!ep.open) return;
      this.#clearTimer(ep);
      this.#episodes.set(doorId, { open: false, forcedRaised: false, heldRaised: false, heldTimer: undefined });
      this.deps.onState(doorId, 'closed', at);
      return;
    }
    if (state === 'held') {
      if (!ep.open) {
        ep.open = true; // the opening itself was missed: the reader says it is open now
        this.deps.onState(doorId, 'open', at);
      }
      this.#raiseHeld(doorId, ep, 'reported by the reader', at);
      return;
    }
    const opening = !ep.open;
    if (opening) {
      ep.open = true;
      this.deps.onState(doorId, state, at);
      this.#startHeldTimer(doorId, ep);
    }
    if (state === 'forced') {
      this.#raiseForced(doorId, ep, 'reported by the reader', at);
      return;
    }
    if (!opening) return; // the second reader of the same door reporting the same opening
    const grant = this.#takeGrant(doorId, at);
    if (grant !== undefined) {
      this.deps.onPassage(doorId, grant, at);
      return;
    }
    const exitUntil = this.#exitUntil.get(doorId);
    if ((exitUntil !== undefined && at <= exitUntil + doorDefaults.graceMs) || this.deps.isFree(doorId, at)) return;
    this.#raiseForced(doorId, ep, 'opened without a grant or an exit request', at);
  }

  stop(): void {
    for (const ep of this.#episodes.values()) this.#clearTimer(ep);
    this.#episodes.clear();
  }

  #takeGrant(doorId: string, at: number): PendingGrant | undefined {
    const grants = this.#grants.get(doorId) ?? [];
    const index = grants.findIndex((g) => at <= g.until + doorDefaults.graceMs);
    if (index < 0) return undefined;
    const [grant] = grants.splice(index, 1);
    return grant;
  }

  #episode(doorId: string): DoorEpisode {
    let ep = this.#episodes.get(doorId);
    if (ep === undefined) {
      ep = { open: false, forcedRaised: false, heldRaised: false, heldTimer: undefined };
      this.#episodes.set(doorId, ep);
    }
    return ep;
  }

  #startHeldTimer(doorId: string, ep: DoorEpisode): void {
    this.#clearTimer(ep);
    ep.heldTimer = setTimeout(() => this.#raiseHeld(doorId, ep, 'open longer than its limit', this.deps.clock()), this.deps.heldLimitMs(doorId));
    ep.heldTimer.unref();
  }

  #clearTimer(ep: DoorEpisode): void {
    if (ep.heldTimer !== undefined) clearTimeout(ep.heldTimer);
    ep.heldTimer = undefined;
  }

  #raiseForced(doorId: string, ep: DoorEpisode, detail: string, at: number): void {
    if (ep.forcedRaised) return;
    ep.forcedRaised = true;
    this.deps.onAlarm('forced', doorId, detail, at);
  }

  #raiseHeld(doorId: string, ep: DoorEpisode, detail: string, at: number): void {
    if (ep.heldRaised || !ep.open) return;
    ep.heldRaised = true;
    this.#clearTimer(ep);
    this.deps.onAlarm('held', doorId, detail, at);
  }
}
