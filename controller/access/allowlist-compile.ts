import type { AllowlistEntry } from '../../gateway/protocol/index.js';
import { bookingIntervals } from './booking-grants.js';
import { decisionDefaults } from './decide.js';
import type { Interval } from './model.js';
import type { ReaderPlace } from './ports.js';
import { intersect, scheduleIntervals, slotIntervals, union } from './schedule.js';
import type { AccessState } from './state.js';
import { trainingIntervals } from './training.js';

const MAX_INTERVALS = 32; // per entry, from the wire contract

function clip(from: number | null, until: number | null, window: Interval): Interval[] {
  const a = Math.max(from ?? window[0], window[0]);
  const b = Math.min(until ?? window[1], window[1]);
  return a < b ? [[a, b]] : [];
}

/**
 * What a reader may decide alone until `horizon`: each badge with the plain time intervals during
 * which the controller itself would let it through this door, leaving out only what a reader
 * cannot know (capacity, anti-passback). Schedules, time zone, holidays, training sessions,
 * bookings, visitor passes and validity are all compiled in here.
 */
export function compileAllowlist(state: AccessState, place: ReaderPlace, now: number, horizon: number): {
  entries: Map<string, AllowlistEntry>; doorUnlocked: Interval[];
} {
  const window: Interval = [now, horizon];
  const door = state.door(place.doorId);
  const policy = state.doorPolicy(place.doorId);
  const entries = new Map<string, AllowlistEntry>();
  const doorUnlocked = policy.mode === 'unlocked' ? [window] : slotIntervals(policy.unlockSlots, now, horizon, state.timeZone);
  if (door === undefined || policy.mode === 'locked') return { entries, doorUnlocked };
  const entering = place.side === 'outside';
  const toZone = entering ? door.to : door.from;
  const ancestry = new Set(state.zoneAncestry(toZone));

  for (const credential of state.credentials()) {
    const person = state.person(credential.personId);
    if (credential.status !== 'active' || person === undefined || !person.active) continue;
    if (state.emergency.mode === 'lockdown' && person.kind !== 'staff') continue;
    if (door.pinRequired && credential.pinHash === null) continue;
    const valid = clip(credential.validFrom, credential.validUntil, window);
    let open: Interval[] = [];
    if (!entering) {
      open = valid; // leaving is never refused by schedule
    } else {
      for (const m of state.memberships(person.id)) {
        const member = clip(m.validFrom, m.validUntil, window);
        for (const g of state.group(m.groupId)?.grants ?? []) {
          const schedule = state.schedule(g.scheduleId);
          if (!ancestry.has(g.zoneId) || schedule === undefined) continue;
          open = union(open, intersect(member, scheduleIntervals(schedule, now, horizon, state.timeZone, state.closures)));
        }
      }
      for (const session of state.trainingSessions(person.id)) {
        if (!state.reaches(toZone, session.zoneId)) continue;
        open = union(open, trainingIntervals([session], person.id, session.zoneId, now, horizon, decisionDefaults.trainingMarginMs));
      }
      const booked = state.bookingGrants(person.id).filter((b) => state.reaches(toZone, b.zoneId));
      if (booked.length > 0) open = union(open, bookingIntervals(booked, now, horizon));
      for (const pass of state.visitorPasses(person.id)) {
        const reaches = pass.zoneIds.some((z) => state.reaches(toZone, z));
        if (reaches && (pass.maxUses === null || pass.uses < pass.maxUses)) open = union(open, clip(pass.validFrom, pass.validUntil, window));
      }
      open = intersect(open, valid);
    }
    if (open.length === 0) continue;
    const entry: AllowlistEntry = { uid: credential.uid, intervals: open.slice(0, MAX_INTERVALS) };
    if (door.pinRequired && credential.pinHash !== null) entry.pinHash = credential.pinHash;
    entries.set(credential.uid, entry);
  }
  return { entries, doorUnlocked };
}
