import { describe, expect, it, vi } from 'vitest';
import type { PublicDelta, PublicMessage, StaffSnapshot } from '../../controller/live/messages.js';
import { connect, fakeTimersForHubs, deltas, FakeSocket, makeHub } from '../live/fakes.js';

fakeTimersForHubs(1_800_000_000_000);

describe('bookings on the live streams', () => {
  it('tells staff of a booking change with its id, and the public page without it; a notice reaches staff only', async () => {
    const hub = makeHub();
    hub.start();
    const staff = connect(hub);
    const pub = new FakeSocket();
    hub.addClient(pub, 'public');
    await vi.advanceTimersByTimeAsync(100);
    const at = Date.now();
    hub.bookingEvent({ type: 'booking', at, bookingId: 7, resourceId: 'room-baccarat', change: 'released', start: at - 900_000, end: at });
    hub.bookingEvent({ type: 'booking_notice', at, id: 3, bookingId: 6, resourceId: 'room-baccarat', kind: 'overrun', detail: 'Baccarat was still occupied' });
    await vi.advanceTimersByTimeAsync(1);

    expect(deltas(staff).flatMap((d) => d.events)).toEqual([
      { seq: 1, type: 'booking', at, bookingId: 7, resourceId: 'room-baccarat', change: 'released', start: at - 900_000, end: at },
      { seq: 2, type: 'booking_notice', at, id: 3, bookingId: 6, resourceId: 'room-baccarat', kind: 'overrun', detail: 'Baccarat was still occupied' },
    ]);
    const publicDeltas = pub.frames<PublicMessage>().filter((f): f is PublicDelta => f.type === 'delta');
    expect(publicDeltas.flatMap((d) => d.events)).toEqual([
      { seq: 1, type: 'booking', at, resourceId: 'room-baccarat', change: 'released', start: at - 900_000, end: at },
    ]);
    // The staff snapshot keeps them for the feed's first paint.
    expect((hub.snapshot() as StaffSnapshot).state.recent.map((e) => e.type)).toEqual(['booking', 'booking_notice']);
  });

  it('shows a room presence sensor like a desk of kind room, never counted among the public free desks', () => {
    const hub = makeHub();
    hub.start();
    const s = connect(hub);
    const snapshot = s.frames()[0] as StaffSnapshot;
    expect(snapshot.state.desks['room-baccarat-presence']).toMatchObject({ zoneId: 'room-baccarat', kind: 'room' });
    expect(snapshot.state.devices['occ-baccarat']).toMatchObject({ kind: 'desk' });
    expect(hub.publicSnapshot().state.zones['room-baccarat']).toMatchObject({ desksTotal: 0 });
  });
});
