import type { AccessReason } from '../../gateway/protocol/common.js';
import { bookingOpen } from './booking-grants.js';
import type {
  AccessGroup, AntiPassbackSettings, BookingGrant, Closure, Credential, DoorPolicy, EmergencyState, GroupMembership, PassbackState,
  Person, Schedule, TrainingSession, VisitorPass,
} from './model.js';
import { inWeeklySlots, scheduleOpen } from './schedule.js';
import { trainingOpen } from './training.js';

export const decisionDefaults = {
  unlockMs: 5_000, // 5 s of released lock after a grant
  trainingMarginMs: 30 * 60_000, // trainees may come in 30 minutes before their session
};

/** A badge at a reader: which door, which side of it, who, when (server time). */
export interface AccessRequest {
  doorId: string;
  side: 'outside' | 'inside';
  uid: string;
  /** SHA-256 of `${uid}:${pin}` when the reader has a keypad and a PIN was typed */
  pinHash?: string;
  at: number;
}

export interface DoorFacts {
  id: string;
  /** zone entered when badging on the outside reader / left when badging on the inside one */
  from: string;
  to: string;
  pinRequired: boolean;
  unlockMs: number;
  /** anti-passback applies at this door (the main entrance) */
  passback: boolean;
}

/** Everything a decision reads, as the in-memory access state provides it. */
export interface AccessView {
  timeZone: string;
  door(doorId: string): DoorFacts | undefined;
  credentialByUid(uid: string): Credential | undefined;
  person(id: number): Person | undefined;
  memberships(personId: number): GroupMembership[];
  group(id: number): AccessGroup | undefined;
  schedule(id: number): Schedule | undefined;
  closures: Closure[];
  trainingSessions(personId: number): TrainingSession[];
  /** the bookings the person holds or is a guest of, indexed by person: a handful at most */
  bookingGrants(personId: number): BookingGrant[];
  visitorPasses(personId: number): VisitorPass[];
  doorPolicy(doorId: string): DoorPolicy;
  emergency: EmergencyState;
  /** zone ids from the zone up to the building: a grant on an ancestor covers its zones */
  zoneAncestry(zoneId: string): string[];
  /** the zone and every zone inside it */
  zoneSubtree(zoneId: string): string[];
  /** `zoneId` must be crossed (or is inside `destination`) on the way in to `destination` */
  reaches(zoneId: string, destination: string): boolean;
  capacity(zoneId: string): number;
  occupancy(zoneId: string): number;
  passbackSettings: AntiPassbackSettings;
  passbackState(personId: number): PassbackState | undefined;
}

export interface Decision {
  grant: boolean;
  reason: AccessReason;
  unlockMs: number;
  credentialId: number | null;
  personId: number | null;
  /** the zone the person enters if the door opens */
  toZone: string;
  fromZone: string;
  /** a soft anti-passback violation: granted, and an alert is raised */
  alert?: 'anti_passback';
  /** the visitor pass a grant uses up one use of */
  passId?: number;
}

/**
 * Decides one badge, in order: emergency, credential, person, door mode, PIN, authorization
 * (groups and schedules, training sessions, bookings, visitor passes), capacity, anti-passback. Pure: the
 * state and the time come in, a decision goes out.
 */
export function decide(view: AccessView, req: AccessRequest): Decision {
  const door = view.door(req.doorId);
  const entering = req.side === 'outside';
  const fromZone = door === undefined ? '' : entering ? door.from : door.to;
  const toZone = door === undefined ? '' : entering ? door.to : door.from;
  const credential = view.credentialByUid(req.uid);
  const person = credential === undefined ? undefined : view.person(credential.personId);
  const base = { credentialId: credential?.id ?? null, personId: person?.id ?? null, toZone, fromZone };
  const deny = (reason: AccessReason): Decision => ({ grant: false, reason, unlockMs: 0, ...base });
  if (door === undefined) return deny('error');

  const emergency = view.emergency.mode;
  if (emergency === 'evacuation' && entering) return deny('evacuation');
  if (credential === undefined || person === undefined) return deny('unknown_credential');
  if (emergency === 'lockdown' && person.kind !== 'staff') return deny('lockdown');
  if (credential.status !== 'active' || !person.active) return deny('blocked');
  if (!within(req.at, credential.validFrom, credential.validUntil)) return deny('pass_expired');

  const policy = view.doorPolicy(door.id);
  if (policy.mode === 'locked' && emergency !== 'evacuation') return deny('door_locked');
  if (door.pinRequired) {
    if (credential.pinHash === null || req.pinHash === undefined) return deny('pin_required');
    if (req.pinHash !== credential.pinHash) return deny('wrong_pin');
  }

  let passId: number | undefined;
  const freeDoor = policy.mode === 'unlocked' || inWeeklySlots(policy.unlockSlots, req.at, view.timeZone);
  if (entering && !freeDoor) {
    const verdict = authorize(view, person, toZone, req.at);
    if (verdict.reason !== 'granted') return deny(verdict.reason);
    passId = verdict.passId;
    if (view.occupancy(toZone) >= view.capacity(toZone)) return deny('zone_full');
  }

  let alert: Decision['alert'];
  if (door.passback && view.passbackSettings.mode !== 'off') {
    const state = view.passbackState(person.id);
    const expected = entering ? 'outside' : 'inside';
    const fresh = state !== undefined && req.at - state.at < view.passbackSettings.resetAfterMs;
    if (fresh && state.side !== expected) {
      if (view.passbackSettings.mode === 'hard') return deny('anti_passback');
      alert = 'anti_passback';
    }
  }
  const decision: Decision = { grant: true, reason: 'granted', unlockMs: door.unlockMs, ...base };
  if (alert !== undefined) decision.alert = alert;
  if (passId !== undefined) decision.passId = passId;
  return decision;
}

function within(at: number, from: number | null, until: number | null): boolean {
  return (from === null || at >= from) && (until === null || at < until);
}

/** May this person enter this zone now? 'outside_schedule' when they may at other times. */
function authorize(view: AccessView, person: Person, zoneId: string, at: number): { reason: AccessReason; passId?: number } {
  const covering = new Set(view.zoneAncestry(zoneId));
  let hasGrantForZone = false;
  for (const m of view.memberships(person.id)) {
    if (!within(at, m.validFrom, m.validUntil)) continue;
    for (const g of view.group(m.groupId)?.grants ?? []) {
      if (!covering.has(g.zoneId)) continue;
      hasGrantForZone = true;
      const schedule = view.schedule(g.scheduleId);
      if (schedule !== undefined && scheduleOpen(schedule, at, view.timeZone, view.closures)) return { reason: 'granted' };
    }
  }
  // Trainees follow their sessions' timetable: the room, and the zones on the way to it.
  const sessions = view.trainingSessions(person.id).filter((s) => view.reaches(zoneId, s.zoneId));
  if (sessions.some((s) => trainingOpen([s], person.id, s.zoneId, at, decisionDefaults.trainingMarginMs))) return { reason: 'granted' };
  if (sessions.length > 0) hasGrantForZone = true;
  // Holders and guests of a booking: the booked zone and the zones on the way, during the slot and its margin.
  const booked = view.bookingGrants(person.id).filter((b) => view.reaches(zoneId, b.zoneId));
  if (bookingOpen(booked, at)) return { reason: 'granted' };
  if (booked.length > 0) hasGrantForZone = true;
  const passes = view.visitorPasses(person.id);
  if (passes.length > 0) {
    const reachable = passes.filter((p) => p.zoneIds.some((z) => view.reaches(zoneId, z)));
    const usable = reachable.find((p) => at >= p.validFrom && at < p.validUntil && (p.maxUses === null || p.uses < p.maxUses));
    if (usable !== undefined) return { reason: 'granted', passId: usable.id };
    if (reachable.length > 0) return { reason: 'pass_expired' };
  }
  return { reason: hasGrantForZone ? 'outside_schedule' : 'not_allowed' };
}
