import { createHash } from 'node:crypto';
import type { AllowlistDownlink, AllowlistEntry } from '../gateway/protocol/index.js';

/**
 * The reader's copy of its offline allow-list, as a real reader keeps it in flash, and the plain
 * arithmetic on its intervals. The controller compiles schedules, time zone and holidays into
 * `[from, to)` epoch-millisecond intervals: a reader only compares its clock with numbers.
 */

/** `[from, to)` in epoch milliseconds. */
export type Interval = readonly [from: number, to: number];

export interface HeldAllowlist {
  version: number;
  entries: ReadonlyMap<string, AllowlistEntry>;
  /** How long after losing the controller the list may still be used, in seconds. */
  maxStalenessS: number;
  /** Past this instant (epoch ms) the list says nothing: every badge is denied. */
  horizonUntil: number;
  /** When the door is unlocked for everyone (public opening hours). */
  doorUnlocked: readonly Interval[];
  /** When the reader applied it (its own clock). */
  appliedAt: number;
}

export type ApplyResult = { ok: true; list: HeldAllowlist } | { ok: false; detail: string };

/**
 * A `full` replaces whatever is held, whatever its version (the controller may have started its
 * numbering again). A `delta` applies only on the version it names: remove, then upsert.
 */
export function applyAllowlist(held: HeldAllowlist | null, msg: AllowlistDownlink, now: number): ApplyResult {
  let entries: Map<string, AllowlistEntry>;
  if (msg.mode === 'full') {
    entries = new Map(msg.upsert.map((e) => [e.uid, e]));
  } else {
    if (held === null || msg.baseVersion !== held.version) {
      return { ok: false, detail: `base version mismatch: have ${held?.version ?? 'none'}, delta applies on ${msg.baseVersion ?? 'none'}` };
    }
    entries = new Map(held.entries);
    for (const uid of msg.remove) entries.delete(uid);
    for (const e of msg.upsert) entries.set(e.uid, e);
  }
  return {
    ok: true,
    list: {
      version: msg.version, entries, maxStalenessS: msg.maxStalenessS, horizonUntil: msg.horizonUntil,
      doorUnlocked: msg.doorUnlocked, appliedAt: now,
    },
  };
}

/** True when `t` falls in one of the `[from, to)` intervals. */
export function inIntervals(intervals: readonly Interval[], t: number): boolean {
  return intervals.some(([from, to]) => from <= t && t < to);
}

/** The end of the run of intervals containing `t` (overlapping or touching ones joined); null if none contains it. */
export function runEnd(intervals: readonly Interval[], t: number): number | null {
  let end: number | null = null;
  for (;;) {
    const at: number = end ?? t;
    let next: number | null = null;
    for (const [from, to] of intervals) if (from <= at && at < to && (next === null || to > next)) next = to;
    if (next === null) return end;
    end = next;
  }
}

/** The next instant after `t` at which some interval starts or ends; null if none. */
export function nextBoundary(intervals: readonly Interval[], t: number): number | null {
  let next: number | null = null;
  for (const [from, to] of intervals) {
    for (const b of [from, to]) if (b > t && (next === null || b < next)) next = b;
  }
  return next;
}

/**
 * The `pinHash` of an allow-list entry: SHA-256 of the UTF-8 string `${uid}:${pin}` (the UID as in
 * the badge uplink, upper-case hex), as 64 lower-case hexadecimal characters.
 */
export function pinHash(uid: string, pin: string): string {
  return createHash('sha256').update(`${uid}:${pin}`, 'utf8').digest('hex');
}
