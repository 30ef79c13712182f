import { describe, expect, it, vi } from 'vitest';
import type { StaffSnapshot } from '../../controller/live/messages.js';
import { connect, fakeTimersForHubs, decision, deltas, makeHub } from './fakes.js';

fakeTimersForHubs(1_700_000_000_000);

describe('live hub: snapshot and deltas', () => {
  it('sends the snapshot at once, then a delta as soon as something changes', async () => {
    const hub = makeHub({}, { occupancy: () => 0, isOnline: (id) => id === 'rdr-main-in' });
    hub.start();
    const s = connect(hub);
    const snapshot = s.frames()[0] as StaffSnapshot;
    expect(snapshot).toMatchObject({ type: 'snapshot', v: 1, seq: 0 });
    expect(snapshot.state.zones.coworking).toEqual({ occupancy: 0, capacity: 50 });
    expect(snapshot.state.devices['rdr-main-in']).toMatchObject({ kind: 'reader', online: true });
    expect(snapshot.state.desks['cw-hot-01']).toMatchObject({ zoneId: 'coworking', kind: 'hot', status: 'offline' });
    expect(snapshot.state.doors['main-entrance']).toEqual({ state: 'unknown', at: null });

    await vi.advanceTimersByTimeAsync(100); // the rate limit counts from the snapshot
    hub.setZoneOccupancy('coworking', 4);
    await vi.advanceTimersByTimeAsync(1);
    expect(deltas(s)).toEqual([
      expect.objectContaining({ seq: 1, changes: [{ kind: 'zone', id: 'coworking', value: { occupancy: 4, capacity: 50 } }], events: [] }),
    ]);
  });

  it('sends nothing for a value that did not change, or an unknown id', async () => {
    const hub = makeHub();
    hub.start();
    const s = connect(hub);
    hub.setZoneOccupancy('coworking', 0);
    hub.setZoneOccupancy('nowhere', 3);
    hub.setDesk('no-such-desk', { occupied: true });
    await vi.advanceTimersByTimeAsync(500);
    expect(s.sent).toHaveLength(1);
  });
});

describe('live hub: coalescing', () => {
  it('sends at most one frame per 100 ms, with the latest value of each key and every event in order', async () => {
    const hub = makeHub();
    hub.start();
    const s = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    hub.setZoneOccupancy('hall', 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(deltas(s)).toHaveLength(1);
    const sentAt = Date.now();

    for (let i = 1; i <= 40; i++) {
      hub.setZoneOccupancy('coworking', i);
      hub.setDesk('cw-hot-01', { online: true, occupied: i % 2 === 0, battery: 90 });
      hub.accessEvent(decision(i));
      await vi.advanceTimersByTimeAsync(2); // 40 updates over 80 ms
    }
    expect(deltas(s)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100 - (Date.now() - sentAt));
    const [, frame] = deltas(s);
    expect(deltas(s)).toHaveLength(2);
    expect(frame?.changes).toEqual(expect.arrayContaining([
      { kind: 'zone', id: 'coworking', value: { occupancy: 40, capacity: 50 } },
      { kind: 'desk', id: 'cw-hot-01', value: expect.objectContaining({ occupied: true, status: 'occupied', battery: 90 }) },
    ]));
    expect(frame?.changes).toHaveLength(2);
    expect(frame?.events.map((e) => (e.type === 'decision' ? e.id : -1))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(deltas(s)).toHaveLength(2);
  });

  it('holds the first delta until 100 ms after the snapshot', async () => {
    const hub = makeHub();
    hub.start();
    const s = connect(hub);
    hub.setZoneOccupancy('lab', 1);
    await vi.advanceTimersByTimeAsync(99);
    expect(deltas(s)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(deltas(s).map((f) => f.changes)).toEqual([[{ kind: 'zone', id: 'lab', value: { occupancy: 1, capacity: 14 } }]]);
  });

  it('keeps the newest events of a burst within one frame and says how many were left out', async () => {
    const hub = makeHub({ maxFrameEvents: 10 });
    hub.start();
    const s = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 1; i <= 25; i++) hub.accessEvent(decision(i));
    await vi.advanceTimersByTimeAsync(1);
    const [frame] = deltas(s);
    expect(frame?.eventsDropped).toBe(15);
    expect(frame?.events.map((e) => e.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(s.readyState).toBe(1); // a burst is not the client's fault
  });

  it('does not repeat in the first delta the events that the snapshot already had', async () => {
    const hub = makeHub();
    hub.start();
    const early = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    hub.accessEvent(decision(1));
    const late = connect(hub); // between the event and the flush
    hub.accessEvent(decision(2));
    await vi.advanceTimersByTimeAsync(200);
    expect((late.frames()[0] as StaffSnapshot).state.recent.map((e) => e.seq)).toEqual([1]);
    expect(deltas(late).flatMap((f) => f.events.map((e) => e.seq))).toEqual([2]);
    expect(deltas(early).flatMap((f) => f.events.map((e) => e.seq))).toEqual([1, 2]);
  });
});

describe('live hub: what it is fed', () => {
  it('follows passages, doors, alarms and device presence', async () => {
    const counts: Record<string, number> = { coworking: 0, 'room-vezouze': 0 };
    const hub = makeHub({}, { occupancy: (z) => counts[z] ?? 0, personName: (id) => (id === 7 ? 'Ada' : null) });
    hub.start();
    const s = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    counts['room-vezouze'] = 1;
    counts.coworking = 1; // a parent counts its children
    hub.accessEvent({ type: 'passage', at: 1, doorId: 'room-vezouze', personId: 7, fromZone: 'coworking', toZone: 'room-vezouze' });
    hub.accessEvent({ type: 'door', at: 2, doorId: 'room-vezouze', state: 'open' });
    hub.accessEvent({ type: 'alarm', id: 9, at: 3, doorId: 'lab', kind: 'forced', detail: 'door forced' });
    hub.devicePresence({ deviceId: 'desk-cw-hot-02', online: true, reason: 'birth', at: 4 });
    await vi.advanceTimersByTimeAsync(1);
    const [frame] = deltas(s);
    expect(frame?.changes).toEqual(expect.arrayContaining([
      { kind: 'zone', id: 'room-vezouze', value: { occupancy: 1, capacity: 4 } },
      { kind: 'zone', id: 'coworking', value: { occupancy: 1, capacity: 50 } },
      { kind: 'door', id: 'room-vezouze', value: { state: 'open', at: 2 } },
      { kind: 'alarm', id: '9', value: { id: 9, kind: 'forced', doorId: 'lab', detail: 'door forced', raisedAt: 3 } },
      { kind: 'device', id: 'desk-cw-hot-02', value: { kind: 'desk', online: true, at: 4 } },
      { kind: 'desk', id: 'cw-hot-02', value: expect.objectContaining({ online: true, status: 'unknown' }) },
    ]));
    expect(frame?.events.map((e) => e.type)).toEqual(['passage', 'door', 'alarm', 'device']);
    expect(frame?.events[0]).toMatchObject({ person: { id: 7, name: 'Ada' } });

    hub.accessEvent({ type: 'alarm_ack', id: 9, at: 5, by: 'manager1' });
    await vi.advanceTimersByTimeAsync(100);
    expect(deltas(s)[1]?.changes).toEqual([{ kind: 'alarm', id: '9', value: null }]);
    expect(hub.snapshot().state.alarms).toEqual({});
  });

  it('re-reads every zone when told to (the nightly cut-off), and streams the uplink throughput', async () => {
    const counts: Record<string, number> = { hall: 3, coworking: 5 };
    const hub = makeHub({}, { occupancy: (z) => counts[z] ?? 0 });
    hub.start();
    const s = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    counts.hall = 0;
    counts.coworking = 1;
    hub.refreshOccupancy();
    hub.setThroughput('net-uplink', 48_000_000, 7);
    await vi.advanceTimersByTimeAsync(1);
    expect(deltas(s)[0]?.changes).toEqual([
      { kind: 'zone', id: 'hall', value: { occupancy: 0, capacity: 60 } },
      { kind: 'zone', id: 'coworking', value: { occupancy: 1, capacity: 50 } },
      { kind: 'meter', id: 'net-uplink', value: { bitsPerS: 48_000_000, at: 7 } },
    ]);
    expect(hub.snapshot().state.meters).toEqual({ 'net-uplink': { bitsPerS: 48_000_000, at: 7 } });
  });
});
