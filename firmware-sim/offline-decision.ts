import { timingSafeEqual } from 'node:crypto';
import type { AccessReason } from '../gateway/protocol/index.js';
import { inIntervals, pinHash, type HeldAllowlist } from './allowlist.js';

/**
 * How a reader decides a badge alone, while the controller is unreachable. Pure: the list, the
 * reader's clock and what it knows of the controller come in, a verdict goes out.
 */

export interface OfflineBadge {
  uid: string;
  pin?: string | undefined;
  /** The reader's clock. */
  now: number;
  /** Since when the controller has been unreachable (ms); 0 while it is reachable. */
  unreachableForMs: number;
  /** A `lock` door command is in force. */
  doorLocked: boolean;
}

export interface OfflineVerdict {
  grant: boolean;
  reason: AccessReason;
  /** Version of the list decided from; 0 when the reader holds none. */
  listVersion: number;
}

/** How long, in seconds, the list may be used after losing the controller: the override, else the list's own. */
export function stalenessLimitS(list: HeldAllowlist, overrideS: number | undefined): number {
  return overrideS ?? list.maxStalenessS;
}

/** True while the list may be used: before its horizon, and not longer than its staleness limit after losing the controller. */
export function listFresh(list: HeldAllowlist | null, now: number, unreachableForMs: number, maxStalenessS?: number): list is HeldAllowlist {
  return list !== null && now < list.horizonUntil && unreachableForMs <= stalenessLimitS(list, maxStalenessS) * 1000;
}

/**
 * In this order: a `lock` in force → door_locked; no list, past its horizon or too long without the
 * controller → list_stale; UID not listed → unknown_credential; entry with a pinHash and no PIN →
 * pin_required, wrong PIN → wrong_pin; now in none of the entry's intervals nor of the door's
 * unlocked intervals → outside_schedule; otherwise granted.
 */
export function decideOffline(list: HeldAllowlist | null, badge: OfflineBadge, maxStalenessS?: number): OfflineVerdict {
  const listVersion = list?.version ?? 0;
  const deny = (reason: AccessReason): OfflineVerdict => ({ grant: false, reason, listVersion });
  if (badge.doorLocked) return deny('door_locked');
  if (!listFresh(list, badge.now, badge.unreachableForMs, maxStalenessS)) return deny('list_stale');
  const entry = list.entries.get(badge.uid);
  if (entry === undefined) return deny('unknown_credential');
  if (entry.pinHash !== undefined) {
    if (badge.pin === undefined) return deny('pin_required');
    if (!sameHex(pinHash(badge.uid, badge.pin), entry.pinHash)) return deny('wrong_pin');
  }
  if (!inIntervals(entry.intervals, badge.now) && !inIntervals(list.doorUnlocked, badge.now)) return deny('outside_schedule');
  return { grant: true, reason: 'granted', listVersion };
}

/** Constant-time comparison of two hex digests (case-insensitive). */
function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
