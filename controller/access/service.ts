import type { Logger } from 'pino';
import type { BadgeUplink, DoorUplink, RexUplink } from '../../gateway/protocol/index.js';
import type { AuditFn } from '../auth/audit.js';
import type { Alarm, AlarmStore } from './alarms.js';
import { AccessError } from './errors.js';
import { decide, type Decision } from './decide.js';
import { EarlyAnswers } from './early-answers.js';
import type { DecisionLog } from './decision-log.js';
import { DoorMonitor, type PendingGrant } from './doors.js';
import type { EmergencyMode } from './model.js';
import type { AccessEvent, CommandSender, ReaderPlace } from './ports.js';
import type { PlacesStore } from './places-store.js';
import { pinHash } from './pin.js';
import { inWeeklySlots } from './schedule.js';
import type { AccessState } from './state.js';

export const accessDefaults = {
  rexReleaseMs: 5_000, // 5 s of released lock after the exit button
  decisionTtlMs: 3_000, // an access answer older than 3 s is ignored by the reader
  offlineReplayMs: 30_000, // 30 s for a reader's buffered door events to follow its offline decisions
};

type Uplink<P> = { id: number; deviceId: string; payload: P; receivedAt: number };

/**
 * The access controller: answers badges, follows doors, raises alarms, and applies emergency
 * modes and remote unlocks. Decisions come from memory (AccessState); their log lines are
 * written in group commits after the answer is on its way.
 */
export class AccessService {
  readonly #doors: DoorMonitor;
  #remoteUntil = new Map<string, number>();
  #listeners: Array<(e: AccessEvent) => void> = [];
  readonly #early = new EarlyAnswers();

  constructor(private readonly deps: {
    state: AccessState;
    readers: Map<string, ReaderPlace>;
    heldLimitMs: (doorId: string) => number;
    commands: CommandSender;
    decisions: DecisionLog;
    alarms: AlarmStore;
    places: PlacesStore;
    audit: AuditFn;
    clock: () => number;
    logger: Logger;
  }) {
    this.#doors = new DoorMonitor({
      clock: deps.clock,
      heldLimitMs: deps.heldLimitMs,
      isFree: (doorId, at) => this.#isFree(doorId, at),
      onPassage: (doorId, grant, at) => this.#passage(doorId, grant, at),
      onAlarm: (kind, doorId, detail, at) => this.raiseAlarm(kind, doorId, detail, at),
      onState: (doorId, state, at) => this.#emit({ type: 'door', at, doorId, state }),
    });
  }

  onEvent(listener: (e: AccessEvent) => void): void {
    this.#listeners.push(listener);
  }

  stop(): void {
    this.#doors.stop();
    this.deps.decisions.flush();
  }

  readersOf(doorId: string): ReaderPlace[] {
    return [...this.deps.readers.values()].filter((r) => r.doorId === doorId);
  }

  /**
   * A badge as it arrives, before it is stored: the reader's answer must not wait for the disk
   * (the door is a person waiting). The decision is logged when the stored uplink comes back.
   */
  answerEarly(uplink: Omit<Uplink<BadgeUplink>, 'id'>): void {
    const place = this.deps.readers.get(uplink.deviceId);
    if (place === undefined || uplink.payload.offline !== undefined) return;
    const { bootId, seq } = uplink.payload;
    this.#early.put(EarlyAnswers.key(uplink.deviceId, bootId, seq), this.#decideAndAnswer(uplink, place), uplink.receivedAt);
  }

  /** A badge uplink, once stored: decide (unless answered early), answer, log, and expect the door to open. */
  onBadge(uplink: Uplink<BadgeUplink>): void {
    const place = this.deps.readers.get(uplink.deviceId);
    const { payload } = uplink;
    if (place === undefined) {
      this.deps.logger.warn({ deviceId: uplink.deviceId }, 'badge from a device that is not a reader of the building');
      return;
    }
    if (payload.offline !== undefined) {
      this.#recordOffline(uplink, place);
      return;
    }
    const decision = this.#early.take(EarlyAnswers.key(uplink.deviceId, payload.bootId, payload.seq)) ?? this.#decideAndAnswer(uplink, place);
    const decisionId = this.#log(uplink, place, decision, 'controller');
    if (decision.grant) this.#expectPassage(place, decision, decisionId, uplink.receivedAt);
    if (decision.alert === 'anti_passback') this.raiseAlarm('anti_passback', place.doorId, `person ${decision.personId ?? '?'} badged twice on the same side`, uplink.receivedAt);
  }

  #decideAndAnswer(uplink: Omit<Uplink<BadgeUplink>, 'id'>, place: ReaderPlace): Decision {
    const { payload } = uplink;
    const decision = decide(this.deps.state, {
      doorId: place.doorId, side: place.side, uid: payload.uid, at: uplink.receivedAt,
      ...(payload.pin === undefined ? {} : { pinHash: pinHash(payload.uid, payload.pin) }),
    });
    this.deps.commands.send(uplink.deviceId, 'access', {
      inReplyTo: { bootId: payload.bootId, seq: payload.seq }, grant: decision.grant, reason: decision.reason, unlockMs: decision.unlockMs,
    }, accessDefaults.decisionTtlMs).catch((err: unknown) => this.deps.logger.error({ err, deviceId: uplink.deviceId }, 'access answer not sent'));
    return decision;
  }

  onDoor(uplink: Uplink<DoorUplink>): void {
    const place = this.deps.readers.get(uplink.deviceId);
    if (place !== undefined) this.#doors.contact(place.doorId, uplink.payload.state, uplink.receivedAt);
  }

  onRex(uplink: Uplink<RexUplink>): void {
    const place = this.deps.readers.get(uplink.deviceId);
    if (place !== undefined) this.#doors.exitRequested(place.doorId, uplink.receivedAt, accessDefaults.rexReleaseMs);
  }

  /** Someone checked out without badging (the cut-off, a manager): they leave the counts and are outside for anti-passback. */
  checkOut(personId: number, at: number): void {
    this.deps.state.moveTo(personId, 'outside');
    this.deps.state.setPassback(personId, { side: 'outside', at });
    this.deps.places.savePassback(personId, 'outside', at);
  }

  raiseAlarm(kind: 'forced' | 'held' | 'anti_passback', doorId: string, detail: string, at: number): void {
    const alarm = this.deps.alarms.raise(kind, doorId, detail, at);
    this.deps.logger.warn({ alarm: alarm.id, kind, doorId, detail }, 'door alarm');
    this.#emit({ type: 'alarm', id: alarm.id, at, doorId, kind, detail });
  }

  /**
   * A manager opens a door from afar: recorded (who, why) before the command leaves, and the
   * command is not awaited: with the broker unreachable, mqtt.js would hold the request open.
   */
  async remoteUnlock(doorId: string, by: string, reason: string, durationMs: number): Promise<void> {
    const readers = this.readersOf(doorId);
    if (readers.length === 0) throw new AccessError(404, `door "${doorId}" has no reader`);
    const at = this.deps.clock();
    this.#remoteUntil.set(doorId, at + durationMs);
    this.deps.audit({ actor: by, action: 'door.remote_unlock', subject: doorId, detail: { reason, durationMs } });
    const id = await this.deps.decisions.record({
      eventId: null, at, deviceTs: null, doorId, deviceId: null, uid: null, credentialId: null, personId: null,
      grant: true, reason: 'granted', source: 'remote', alert: `remote unlock by ${by}: ${reason}`,
    });
    for (const r of readers) {
      this.deps.commands.send(r.deviceId, 'door_cmd', { action: 'unlock', durationMs })
        .catch((err: unknown) => this.deps.logger.error({ err, deviceId: r.deviceId }, 'remote unlock not sent'));
    }
    this.#emit({ type: 'decision', id, at, doorId, grant: true, reason: 'granted', personId: null, source: 'remote' });
  }

  /** A manager acknowledges an alarm with a comment; audited and streamed. */
  acknowledgeAlarm(id: number, by: string, comment: string): Alarm {
    const at = this.deps.clock();
    const alarm = this.deps.alarms.acknowledge(id, by, comment, at);
    this.deps.audit({ actor: by, action: 'alarm.ack', subject: String(id), detail: { comment } });
    this.#emit({ type: 'alarm_ack', id, at, by });
    return alarm;
  }

  /**
   * Applies an emergency mode to every door (or ends it with 'none'); the state was already saved.
   * Commands are not awaited: a door the broker cannot reach now gets it when the reader reconnects
   * with the mode in its allow-list, and the manager's request does not hang.
   */
  async applyEmergency(mode: EmergencyMode, by: string): Promise<void> {
    const action = mode === 'lockdown' ? 'lock' : mode === 'evacuation' ? 'unlock' : 'normal';
    const durationMs = mode === 'evacuation' ? 86_400_000 : undefined; // held open until the mode ends
    for (const r of this.deps.readers.values()) {
      this.deps.commands.send(r.deviceId, 'door_cmd', { action, ...(durationMs === undefined ? {} : { durationMs }) })
        .catch((err: unknown) => this.deps.logger.error({ err, deviceId: r.deviceId, mode }, 'emergency command not sent'));
    }
    this.#emit({ type: 'emergency', at: this.deps.clock(), mode, by });
  }

  #isFree(doorId: string, at: number): boolean {
    const state = this.deps.state;
    if (state.emergency.mode === 'evacuation') return true;
    const policy = state.doorPolicy(doorId);
    return policy.mode === 'unlocked' || inWeeklySlots(policy.unlockSlots, at, state.timeZone) || (this.#remoteUntil.get(doorId) ?? 0) >= at;
  }

  #expectPassage(place: ReaderPlace, decision: Decision, decisionId: Promise<number>, at: number): void {
    const door = this.deps.state.door(place.doorId);
    const grant: PendingGrant = {
      personId: decision.personId, fromZone: decision.fromZone, toZone: decision.toZone, decisionId,
      until: at + decision.unlockMs, passback: door?.passback ?? false,
    };
    if (decision.passId !== undefined) grant.passId = decision.passId;
    this.#doors.granted(place.doorId, grant);
  }

  /** The door opened after a grant: the person moved; anti-passback and pass uses follow. */
  #passage(doorId: string, grant: PendingGrant, at: number): void {
    if (grant.counted === true) return;
    const { state, places } = this.deps;
    if (grant.personId !== null) {
      state.moveTo(grant.personId, grant.toZone);
      if (grant.passback) {
        const side = grant.toZone === 'outside' ? 'outside' : 'inside';
        state.setPassback(grant.personId, { side, at });
        places.savePassback(grant.personId, side, at);
      }
    }
    if (grant.passId !== undefined && grant.passback) {
      state.usePass(grant.passId);
      places.usePass(grant.passId);
    }
    void grant.decisionId.then((decisionId) => {
      places.recordPassage({ decisionId, doorId, personId: grant.personId, fromZone: grant.fromZone, toZone: grant.toZone, at });
    }).catch((err: unknown) => this.deps.logger.error({ err, doorId }, 'passage not recorded'));
    this.#emit({ type: 'passage', at, doorId, personId: grant.personId, fromZone: grant.fromZone, toZone: grant.toZone });
  }

  /** A decision the reader took alone while the controller was unreachable: logged once, then reconciled. */
  #recordOffline(uplink: Uplink<BadgeUplink>, place: ReaderPlace): void {
    const offline = uplink.payload.offline as NonNullable<BadgeUplink['offline']>;
    const credential = this.deps.state.credentialByUid(uplink.payload.uid);
    const door = this.deps.state.door(place.doorId);
    const entering = place.side === 'outside';
    const decision: Decision = {
      grant: offline.grant, reason: offline.reason, unlockMs: 0,
      credentialId: credential?.id ?? null, personId: credential?.personId ?? null,
      fromZone: door === undefined ? '' : entering ? door.from : door.to,
      toZone: door === undefined ? '' : entering ? door.to : door.from,
    };
    const decisionId = this.#log(uplink, place, decision, 'offline');
    // Offline grants are taken as passages: the door contact of that time may not have reached us.
    if (!decision.grant) return;
    const grant: PendingGrant = { ...decision, decisionId, until: uplink.payload.ts, passback: door?.passback ?? false };
    this.#passage(place.doorId, grant, uplink.payload.ts);
    // The reader uploads that opening right after this decision: it explains it, so no forced alarm.
    this.#doors.granted(place.doorId, { ...grant, counted: true, until: uplink.receivedAt + accessDefaults.offlineReplayMs });
  }

  #log(uplink: Uplink<BadgeUplink>, place: ReaderPlace, decision: Decision, source: 'controller' | 'offline'): Promise<number> {
    const at = source === 'offline' ? uplink.payload.ts : uplink.receivedAt;
    const id = this.deps.decisions.record({
      eventId: uplink.id, at, deviceTs: uplink.payload.ts, doorId: place.doorId, deviceId: uplink.deviceId, uid: uplink.payload.uid,
      credentialId: decision.credentialId, personId: decision.personId, grant: decision.grant, reason: decision.reason, source,
      alert: decision.alert ?? null,
    });
    void id.then((decisionId) => this.#emit({
      type: 'decision', id: decisionId, at, doorId: place.doorId, grant: decision.grant, reason: decision.reason, personId: decision.personId, source,
    }), (err: unknown) => this.deps.logger.error({ err }, 'access decision not logged'));
    return id;
  }

  #emit(event: AccessEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.logger.error({ err }, 'access event listener failed');
      }
    }
  }
}

