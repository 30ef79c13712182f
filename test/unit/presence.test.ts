import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PresenceStore } from '../../controller/devices/presence-store.js';
import { DevicePresence, type PresenceChange } from '../../controller/devices/presence.js';

/** An in-memory store: the presence logic is tested apart from SQLite (the integration tests cover that). */
function memoryStore(known: string[]): PresenceStore & { seen: Map<string, number> } {
  const seen = new Map<string, number>();
  return {
    seen,
    loadOnline: () => [],
    transition: (id) => known.includes(id),
    saveLastSeen: (m) => m.forEach((v, k) => seen.set(k, v)),
  };
}

function setup(offlineAfterMs = 90_000) {
  const changes: PresenceChange[] = [];
  const store = memoryStore(['desk-a', 'desk-b']);
  const presence = new DevicePresence({ store, clock: () => 0, offlineAfterMs, logger: pino({ level: 'silent' }), onChange: (c) => changes.push(c) });
  return { presence, changes, store };
}

describe('device presence', () => {
  it('goes online on birth or first uplink, offline on will, once each', () => {
    const { presence, changes } = setup();
    presence.status('desk-a', 'online', 'boot1', 1_000);
    presence.seen('desk-a', 'boot1', 2_000);
    presence.seen('desk-b', 'boot1', 2_000);
    presence.status('desk-a', 'offline', 'boot1', 3_000);
    presence.status('desk-a', 'offline', 'boot1', 3_500);
    expect(changes.map((c) => `${c.deviceId}:${c.online}:${c.reason}`)).toEqual([
      'desk-a:true:birth', 'desk-b:true:uplink', 'desk-a:false:last will or clean stop',
    ]);
  });

  it('marks a device offline after the silence allowed, and no sooner', () => {
    const { presence, changes } = setup(90_000);
    presence.seen('desk-a', 'b', 0);
    presence.sweep(90_000);
    expect(presence.isOnline('desk-a')).toBe(true);
    presence.sweep(90_001);
    expect(presence.isOnline('desk-a')).toBe(false);
    expect(changes.at(-1)).toMatchObject({ deviceId: 'desk-a', online: false, reason: 'heartbeats missed', at: 90_001 });
  });

  it('allows three missed beats of a slow heartbeat before calling the device offline', () => {
    const { presence } = setup(90_000);
    presence.seen('desk-a', 'b', 0, 900); // a battery sensor beating every 15 minutes
    presence.sweep(2_699_999);
    expect(presence.isOnline('desk-a')).toBe(true);
    presence.sweep(2_700_001);
    expect(presence.isOnline('desk-a')).toBe(false);
  });

  it('ignores unregistered devices and flushes last-seen times in one batch', () => {
    const { presence, changes, store } = setup();
    presence.seen('ghost', 'b', 5);
    presence.seen('desk-a', 'b', 10);
    presence.seen('desk-a', 'b', 20);
    presence.sweep(30);
    expect(presence.isOnline('ghost')).toBe(false);
    expect(changes.map((c) => c.deviceId)).toEqual(['desk-a']);
    expect([...store.seen]).toEqual([['desk-a', 20]]);
  });
});
