import { describe, expect, it, vi } from 'vitest';
import { connect, fakeTimersForHubs, decision, deltas, makeHub } from './fakes.js';

fakeTimersForHubs(1_700_000_000_000);

describe('live hub: slow clients', () => {
  it('holds frames for a socket that is behind, merges them, and sends them once it catches up', async () => {
    const hub = makeHub({ lagBytes: 1_000 });
    hub.start();
    const s = connect(hub);
    const other = connect(hub);
    await vi.advanceTimersByTimeAsync(100);
    s.bufferedAmount = 5_000;
    for (let i = 1; i <= 5; i++) {
      hub.setZoneOccupancy('coworking', i);
      hub.accessEvent(decision(i));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(deltas(s)).toHaveLength(0);
    expect(deltas(other)).toHaveLength(5);
    s.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(100);
    const [merged] = deltas(s);
    expect(deltas(s)).toHaveLength(1);
    expect(merged?.changes).toEqual([{ kind: 'zone', id: 'coworking', value: { occupancy: 5, capacity: 50 } }]);
    expect(merged?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(merged?.seq).toBe(deltas(other).at(-1)?.seq);
  });

  it('drops a client held back longer than maxLagMs, with code 4008 and a reason', async () => {
    const hub = makeHub({ lagBytes: 1_000, maxLagMs: 1_000 });
    hub.start();
    const s = connect(hub);
    s.bufferedAmount = 5_000;
    for (let i = 0; i < 15 && s.closedWith === null; i++) {
      hub.setZoneOccupancy('coworking', i + 1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(s.closedWith).toEqual({ code: 4008, reason: 'too slow: held back over 1000 ms' });
    expect(hub.stats()).toMatchObject({ staff: 1, dropped: 1 }); // until the close handshake ends
    s.finishClose();
    expect(hub.stats()).toMatchObject({ staff: 0, dropped: 1 });
  });

  it('drops a client with more events waiting than the bound', async () => {
    const hub = makeHub({ lagBytes: 1_000, maxPendingEvents: 20 });
    hub.start();
    const s = connect(hub);
    s.bufferedAmount = 5_000;
    for (let i = 1; i <= 30; i++) {
      hub.accessEvent(decision(i));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(s.closedWith).toEqual({ code: 4008, reason: 'too slow: over 20 events waiting' });
  });

  it('drops at once a client with more unsent bytes than maxBufferedBytes, and destroys it if it does not answer the close', async () => {
    const hub = makeHub({ lagBytes: 1_000, maxBufferedBytes: 10_000, closeGraceMs: 2_000 });
    hub.start();
    const s = connect(hub);
    s.bufferedAmount = 20_000;
    hub.setZoneOccupancy('coworking', 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.closedWith).toEqual({ code: 4008, reason: 'too slow: over 10000 bytes unsent' });
    expect(s.readyState).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.readyState).toBe(3);
    expect(hub.stats().staff).toBe(0);
  });
});

describe('live hub: connection upkeep', () => {
  it('pings, and drops a client that missed a pong', async () => {
    const hub = makeHub({ heartbeatIntervalMs: 1_000 });
    hub.start();
    const answering = connect(hub);
    const silent = connect(hub);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      answering.emit('pong');
    }
    expect(answering.closedWith).toBeNull();
    expect(answering.pings).toBe(3);
    expect(silent.closedWith).toEqual({ code: 4002, reason: 'no answer to ping' });
  });

  it('ends the stream of a session that no longer holds (4401)', async () => {
    let valid = true;
    const hub = makeHub({ revalidateIntervalMs: 1_000 });
    hub.start();
    const s = connect(hub, () => valid);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.closedWith).toBeNull();
    valid = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.closedWith).toEqual({ code: 4401, reason: 'session ended' });
  });

  it('closes every client with 1001 on stop and leaves no timer behind', async () => {
    const hub = makeHub({ closeGraceMs: 500 });
    hub.start();
    const polite = connect(hub);
    const stuck = connect(hub);
    hub.setZoneOccupancy('hall', 2);
    const stopping = hub.stop();
    expect(polite.closedWith).toEqual({ code: 1001, reason: 'server stopping' });
    polite.finishClose();
    await vi.advanceTimersByTimeAsync(500);
    await stopping;
    expect(stuck.readyState).toBe(3); // destroyed after the grace
    expect(vi.getTimerCount()).toBe(0);
    expect(hub.canAccept('staff')).toBe(false); // stopping it again after the test changes nothing
  });
});
