import { describe, expect, it } from 'vitest';
import type { AllowlistDownlink } from '../../gateway/protocol/index.js';
import { applyAllowlist, inIntervals, nextBoundary, pinHash, runEnd, type HeldAllowlist } from '../../firmware-sim/allowlist.js';
import { ControllerPresence } from '../../firmware-sim/controller-presence.js';
import { decideOffline, listFresh, type OfflineBadge } from '../../firmware-sim/offline-decision.js';

const T = Date.UTC(2026, 0, 5, 8, 0, 0);
const H = 3_600_000; // 1 hour in ms

function held(over: Partial<HeldAllowlist> = {}): HeldAllowlist {
  return {
    version: 5, maxStalenessS: 3_600, horizonUntil: T + 10 * H, doorUnlocked: [], appliedAt: T,
    entries: new Map([
      ['AAAAAAAA', { uid: 'AAAAAAAA', intervals: [[T, T + H]] }],
      ['BBBBBBBB', { uid: 'BBBBBBBB', pinHash: pinHash('BBBBBBBB', '1234'), intervals: [[T + 2 * H, T + 3 * H]] }],
    ]),
    ...over,
  };
}
const badge = (over: Partial<OfflineBadge>): OfflineBadge => ({ uid: 'AAAAAAAA', now: T, unreachableForMs: 0, doorLocked: false, ...over });

describe('the offline rule, as plain functions', () => {
  it('pinHash: SHA-256 of "UID:PIN", 64 lower-case hex characters', () => {
    expect(pinHash('0A1B2C3D', '4821')).toBe('b0c60868ee58f3131428ffb8f52d3296715590b06ba3d0423727ff41b566159d');
  });

  it('intervals are [from, to): from is in, to is out; touching ones run on', () => {
    const iv = [[T, T + H], [T + H, T + 2 * H], [T + 5 * H, T + 6 * H]] as const;
    expect([inIntervals(iv, T - 1), inIntervals(iv, T), inIntervals(iv, T + 2 * H)]).toEqual([false, true, false]);
    expect(runEnd(iv, T + 10)).toBe(T + 2 * H);
    expect(runEnd(iv, T + 3 * H)).toBeNull();
    expect(nextBoundary(iv, T + 2 * H)).toBe(T + 5 * H);
    expect(nextBoundary(iv, T + 6 * H)).toBeNull();
  });

  it('decides in order: door_locked, list_stale, unknown_credential, PIN, outside_schedule', () => {
    const list = held();
    expect(decideOffline(list, badge({ doorLocked: true, uid: 'FFFFFFFF', unreachableForMs: 9 * H }))).toMatchObject({ reason: 'door_locked' });
    expect(decideOffline(list, badge({ uid: 'FFFFFFFF', unreachableForMs: H + 1 }))).toMatchObject({ reason: 'list_stale' });
    expect(decideOffline(list, badge({ uid: 'FFFFFFFF' }))).toMatchObject({ reason: 'unknown_credential' });
    expect(decideOffline(list, badge({ uid: 'BBBBBBBB' }))).toMatchObject({ reason: 'pin_required' }); // before its schedule
    expect(decideOffline(list, badge({ uid: 'BBBBBBBB', pin: '9999' }))).toMatchObject({ reason: 'wrong_pin' });
    expect(decideOffline(list, badge({ uid: 'BBBBBBBB', pin: '1234' }))).toMatchObject({ reason: 'outside_schedule' });
    expect(decideOffline(list, badge({ uid: 'BBBBBBBB', pin: '1234', now: T + 2 * H }))).toEqual({ grant: true, reason: 'granted', listVersion: 5 });
    expect(decideOffline(list, badge({ now: T + H }))).toMatchObject({ reason: 'outside_schedule' });
    // the door's unlocked intervals admit any listed badge
    expect(decideOffline(held({ doorUnlocked: [[T + H, T + 2 * H]] }), badge({ now: T + H }))).toMatchObject({ grant: true });
    expect(decideOffline(null, badge({}))).toEqual({ grant: false, reason: 'list_stale', listVersion: 0 });
  });

  it('fresh: before horizonUntil, and at most maxStalenessS (or the override) without the controller', () => {
    const list = held();
    expect(listFresh(list, T, H)).toBe(true);
    expect(listFresh(list, T, H + 1)).toBe(false);
    expect(listFresh(list, T, 2 * H, 7_200)).toBe(true);
    expect(listFresh(list, T + 10 * H - 1, 0)).toBe(true);
    expect(listFresh(list, T + 10 * H, 0)).toBe(false);
  });

  it('allow-list: a delta on nothing held is refused; remove comes before upsert', () => {
    const msg = (over: Partial<AllowlistDownlink>): AllowlistDownlink => ({
      v: 1, nonce: 'n-0123456789abcdef', issuedAt: T, expiresAt: T + 1, version: 6, mode: 'delta', baseVersion: 5,
      upsert: [], remove: [], maxStalenessS: 60, horizonUntil: T + H, doorUnlocked: [[T, T + 1]], ...over,
    });
    expect(applyAllowlist(null, msg({}), T)).toEqual({ ok: false, detail: 'base version mismatch: have none, delta applies on 5' });
    const r = applyAllowlist(held(), msg({ remove: ['AAAAAAAA'], upsert: [{ uid: 'AAAAAAAA', intervals: [] }] }), T + 5);
    expect(r.ok && r.list).toMatchObject({ version: 6, appliedAt: T + 5, maxStalenessS: 60, horizonUntil: T + H, doorUnlocked: [[T, T + 1]] });
    expect(r.ok && r.list.entries.get('AAAAAAAA')).toEqual({ uid: 'AAAAAAAA', intervals: [] });
  });

  it('presence: the staleness clock starts when the controller is lost, or when an unanswered badge was sent', () => {
    const p = new ControllerPresence();
    expect(p.unreachableForMs(T)).toBe(Number.POSITIVE_INFINITY); // never reached
    expect(p.linkUp(T)).toBe(true);
    expect(p.unreachableForMs(T + H)).toBe(0);
    expect(p.silent(T + H, T + H - 1_000)).toBe(true);
    expect(p.unreachableForMs(T + 2 * H)).toBe(H + 1_000);
    expect(p.linkDown(T + 2 * H)).toBe(false); // already unreachable: the clock keeps running from the silence
    expect(p.linkUp(T + 3 * H)).toBe(false); // the broker is back, the controller is still silent
    expect(p.heard(T + 3 * H)).toBe(true);
    expect(p.linkDown(T + 4 * H)).toBe(true);
    expect(p.boot(T + 5 * H)).toBe(false);
    expect(p.unreachableForMs(T + 5 * H)).toBe(H); // kept across a reboot
  });
});
