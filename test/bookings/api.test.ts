import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestController } from '../support/controller.js';
import { anonymous, caller, DAY, MINUTE, paris, settableClock, startBookingController, type Caller } from './support.js';

const slot = (resourceId: string, from: string, to: string, extra: Record<string, unknown> = {}) =>
  ({ resourceId, startsAt: paris(DAY, from), endsAt: paris(DAY, to), ...extra });

/**
 * Two connections of their own (worker threads, as two processes would) insert the same slot at
 * once, straight into the database: the triggers let exactly one through.
 */
async function raceTwoConnections(dbFile: string, row: { startsAt: number; endsAt: number }): Promise<string[]> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.dbFile);
    db.pragma('busy_timeout = 5000');
    Atomics.add(workerData.gate, 0, 1);
    while (Atomics.load(workerData.gate, 0) < 2) {} // both ready: go together
    try {
      db.prepare("INSERT INTO bookings (resource_id, resource_kind, zone_id, kind, starts_at, ends_at, access_from, access_until, created_by, created_at, updated_at) VALUES ('room-vezouze', 'room', 'room-vezouze', 'block', ?, ?, ?, ?, 'raw', 0, 0)")
        .run(workerData.startsAt, workerData.endsAt, workerData.startsAt, workerData.endsAt);
      parentPort.postMessage('inserted');
    } catch (err) {
      parentPort.postMessage(err.code + ': ' + err.message);
    }
    db.close();`;
  const run = () => new Promise<string>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { driver, dbFile, gate, ...row } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  return Promise.all([run(), run()]);
}

describe('the bookings API', () => {
  const clock = settableClock(paris(DAY, '08:00'));
  let ctl: TestController;
  let camille: Caller; // a member
  let louis: Caller; // another member
  let nobody: Caller; // a member login linked to no person
  let manager: Caller;
  let others: number[];

  beforeAll(async () => {
    ctl = await startBookingController(clock);
    camille = await caller(ctl, 'camille', 'member', { name: 'Camille Durand' });
    louis = await caller(ctl, 'louis', 'member', { name: 'Louis Petit' });
    nobody = await caller(ctl, 'nobody', 'member', null);
    manager = await caller(ctl, 'sam', 'manager', { name: 'Sam Staff', kind: 'staff' });
    others = Array.from({ length: 20 }, (_, i) => ctl.system.access.people.createPerson({ kind: 'member', name: `Member ${i}` }, 'test'));
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  it('lists the resources with their rules and whether the caller may book them', async () => {
    const { status, json } = await camille.call('GET', '/api/bookings/resources');
    expect(status).toBe(200);
    expect(json.resources).toHaveLength(50);
    expect(json.resources[0]).toEqual({
      id: 'room-baccarat', name: 'Baccarat', kind: 'room', zoneId: 'room-baccarat', deskId: null, seats: 8, mayBook: true,
      rules: expect.objectContaining({ slotMinutes: 15, maxMinutes: 240, cancelBeforeMinutes: 120, graceMinutes: 15, marginMinutes: 10 }),
    });
    const bench = json.resources.find((r: { id: string }) => r.id === 'lab-bench-01');
    expect(bench).toMatchObject({ kind: 'desk', deskId: 'lab-bench-01', zoneId: 'lab', seats: 1, mayBook: false }); // not in "Lab members"
    expect((await anonymous(ctl)('GET', '/api/bookings/resources')).status).toBe(401);
  });

  it('books a room for the member, and shows the day to each as they may see it', async () => {
    const { status, json } = await camille.call('POST', '/api/bookings', slot('room-baccarat', '10:00', '11:00', { title: 'Board meeting' }));
    expect(status).toBe(201);
    expect(json.booking).toMatchObject({
      resourceId: 'room-baccarat', personId: camille.personId, holder: 'Camille Durand', title: 'Board meeting', kind: 'booking',
      status: 'confirmed', startsAt: paris(DAY, '10:00'), endsAt: paris(DAY, '11:00'), guestIds: [], createdBy: 'camille',
      createdAt: clock.now, cancelledAt: null, releasedAt: null, releaseEvidence: null, checkedInAt: null,
    });
    const busyOf = (day: any) => day.resources.find((r: { resourceId: string }) => r.resourceId === 'room-baccarat');
    const own = busyOf((await camille.call('GET', `/api/bookings/day?date=${DAY}`)).json);
    expect(own.busy).toEqual([{ bookingId: json.booking.id, start: paris(DAY, '10:00'), end: paris(DAY, '11:00'), kind: 'booking', status: 'confirmed', mine: true, holder: 'Camille Durand', title: 'Board meeting' }]);
    expect(own.open).toEqual([{ start: paris(DAY, '08:00'), end: paris(DAY, '20:00') }]);
    expect(own.free).toEqual([{ start: paris(DAY, '08:00'), end: paris(DAY, '10:00') }, { start: paris(DAY, '11:00'), end: paris(DAY, '20:00') }]);
    expect(busyOf((await louis.call('GET', `/api/bookings/day?date=${DAY}`)).json).busy[0]).toMatchObject({ mine: false, holder: null, title: null });
    expect(busyOf((await manager.call('GET', `/api/bookings/day?date=${DAY}`)).json).busy[0]).toMatchObject({ mine: false, holder: 'Camille Durand', title: 'Board meeting' });
    const pub = await anonymous(ctl)('GET', `/api/public/bookings/day?date=${DAY}`);
    expect(pub.status).toBe(200);
    expect(busyOf(pub.json).busy).toEqual([{ start: paris(DAY, '10:00'), end: paris(DAY, '11:00'), kind: 'booking', status: 'confirmed' }]);
    expect(JSON.stringify(pub.json)).not.toMatch(/Camille|Board/);
    expect(ctl.system.hub.snapshot().state.recent.filter((e) => e.type === 'booking').at(-1)).toMatchObject({ change: 'created', resourceId: 'room-baccarat' });
  });

  it('lets exactly one of 20 concurrent requests for the same slot win; the others get 409 naming the room and the slot', async () => {
    const replies = await Promise.all(others.map((personId) => manager.call('POST', '/api/bookings', slot('room-luneville', '14:00', '15:00', { personId }))));
    expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array<number>(19).fill(409)]);
    const refused = replies.find((r) => r.status === 409);
    expect(refused?.json).toMatchObject({ error: 'Conflict', message: 'Lunéville is already booked 14:00–15:00 on Wed 2027-01-13, so 14:00–15:00 on Wed 2027-01-13 is not free: choose another slot.' });
    expect(ctl.query("SELECT count(*) AS n FROM bookings WHERE resource_id = 'room-luneville'")).toEqual([{ n: 1 }]);
  });

  it('lets exactly one of two connections writing straight to the database win: the triggers refuse the overlap', async () => {
    const results = await raceTwoConnections(ctl.dbFile, { startsAt: paris(DAY, '16:00'), endsAt: paris(DAY, '17:00') });
    expect(results.sort()).toEqual(['SQLITE_CONSTRAINT_TRIGGER: booking_overlap', 'inserted']);
    // And the API names the slot taken by the row written outside it.
    const late = await camille.call('POST', '/api/bookings', slot('room-vezouze', '16:30', '17:30'));
    expect(late).toMatchObject({ status: 409, json: { message: expect.stringMatching(/^Vezouze is already blocked 16:00–17:00 on Wed 2027-01-13/) } });
  });

  it('refuses what the rules forbid with 400 and a sentence that says why', async () => {
    const refuse = async (body: unknown) => (await camille.call('POST', '/api/bookings', body)).json.message as string;
    expect(await refuse(slot('room-baccarat', '12:07', '13:00'))).toMatch(/15-minute grid .* 12:07 is not on it/);
    expect(await refuse(slot('room-baccarat', '19:00', '21:00'))).toMatch(/outside these hours/);
    expect(await refuse(slot('room-baccarat', '12:00', '17:00'))).toMatch(/at most 4 hours at a time/);
    expect(await refuse(slot('room-baccarat', '07:00', '07:45'))).toMatch(/is in the past/);
    const far = { resourceId: 'room-baccarat', startsAt: paris('2027-03-17', '10:00'), endsAt: paris('2027-03-17', '11:00') };
    expect(await refuse(far)).toMatch(/at most 60 days ahead/);
    expect((await camille.call('POST', '/api/bookings', slot('room-baccarat', '12:07', '13:00'))).status).toBe(400);
    expect((await camille.call('POST', '/api/bookings', slot('attic', '12:00', '13:00'))).status).toBe(404);
  });

  it('answers 403 to a member booking for someone else, without a person, or outside their groups', async () => {
    const other = await camille.call('POST', '/api/bookings', slot('booth-1', '12:00', '12:30', { personId: louis.personId }));
    expect(other).toMatchObject({ status: 403, json: { message: 'Members book only for themselves: ask a manager to book for someone else.' } });
    expect((await nobody.call('POST', '/api/bookings', slot('booth-1', '12:00', '12:30'))).json)
      .toMatchObject({ error: 'Forbidden', message: expect.stringMatching(/^Your login nobody is linked to no person/) });
    expect((await camille.call('POST', '/api/bookings', slot('lab-bench-01', '12:00', '13:00'))).json)
      .toMatchObject({ message: 'Lab bench 1 may be booked only by members of Lab members or Staff.' });
    expect((await manager.call('POST', '/api/bookings', slot('lab-bench-01', '12:00', '13:00', { personId: louis.personId }))).status).toBe(201);
  });

  it('keeps the cancellation deadline for members; staff may cancel at any time', async () => {
    const soon = (await camille.call('POST', '/api/bookings', slot('booth-2', '08:15', '08:30'))).json.booking; // booth: 15 minutes before
    const later = (await camille.call('POST', '/api/bookings', slot('room-vezouze', '12:00', '13:00'))).json.booking; // meeting: 2 hours before
    clock.now = paris(DAY, '08:05');
    expect(await camille.call('DELETE', `/api/bookings/${soon.id}`)).toMatchObject({
      status: 409, json: { message: 'Bookings of Phone booth 2 can be cancelled up to 15 minutes before they start; this one is 08:15–08:30 on Wed 2027-01-13, so it is too late: ask a manager.' },
    });
    expect((await louis.call('DELETE', `/api/bookings/${later.id}`)).status).toBe(403);
    expect(await camille.call('DELETE', `/api/bookings/${later.id}`)).toMatchObject({ status: 200, json: { booking: { status: 'cancelled', cancelledAt: clock.now } } });
    expect(await manager.call('DELETE', `/api/bookings/${soon.id}`)).toMatchObject({ status: 200, json: { booking: { status: 'cancelled' } } });
    expect((await manager.call('DELETE', `/api/bookings/${soon.id}`)).status).toBe(409); // already cancelled
    // The slot is free again.
    expect((await louis.call('POST', '/api/bookings', slot('room-vezouze', '12:00', '13:00'))).status).toBe(201);
  });

  it('moves a booking to a free slot, never onto a taken one', async () => {
    const b = (await camille.call('POST', '/api/bookings', slot('room-baccarat', '15:00', '16:00'))).json.booking;
    expect(await camille.call('PATCH', `/api/bookings/${b.id}`, { startsAt: paris(DAY, '15:30'), endsAt: paris(DAY, '16:30') }))
      .toMatchObject({ status: 200, json: { booking: { startsAt: paris(DAY, '15:30'), endsAt: paris(DAY, '16:30') } } });
    expect((await camille.call('PATCH', `/api/bookings/${b.id}`, { startsAt: paris(DAY, '10:30'), endsAt: paris(DAY, '11:30') })).json)
      .toMatchObject({ error: 'Conflict', message: expect.stringMatching(/^Baccarat is already booked 10:00–11:00/) });
    expect((await louis.call('PATCH', `/api/bookings/${b.id}`, { startsAt: paris(DAY, '17:00'), endsAt: paris(DAY, '18:00') })).status).toBe(403);
  });

  it('refuses bookings of a blocked room, and shows the reason to staff only', async () => {
    const block = await manager.call('POST', '/api/bookings/blocks', slot('room-vezouze', '17:00', '22:00', { reason: 'Maintenance: new projector' }));
    expect(block).toMatchObject({ status: 201, json: { booking: { kind: 'block', personId: null, title: 'Maintenance: new projector', endsAt: paris(DAY, '22:00') } } });
    expect((await camille.call('POST', '/api/bookings', slot('room-vezouze', '17:30', '18:30'))).json)
      .toMatchObject({ error: 'Conflict', message: expect.stringMatching(/^Vezouze is already blocked 17:00–22:00 on Wed 2027-01-13/) });
    expect((await camille.call('POST', '/api/bookings/blocks', slot('room-vezouze', '08:30', '09:00', { reason: 'mine' }))).status).toBe(403);
    const vezouze = (day: any) => day.resources.find((r: { resourceId: string }) => r.resourceId === 'room-vezouze').busy.find((b: { start: number }) => b.start === paris(DAY, '17:00'));
    expect(vezouze((await camille.call('GET', `/api/bookings/day?date=${DAY}`)).json)).toMatchObject({ holder: null, title: null });
    expect(vezouze((await manager.call('GET', `/api/bookings/day?date=${DAY}`)).json)).toMatchObject({ title: 'Maintenance: new projector' });
  });

  it('lets staff block the event hall and a training room, which members may not book', async () => {
    const event = await manager.call('POST', '/api/bookings/blocks', slot('event-hall', '18:00', '23:00', { reason: 'Soirée des entreprises' }));
    expect(event.status).toBe(201);
    const training = await manager.call('POST', '/api/bookings/blocks', slot('training-meurthe', '09:00', '12:30', { reason: 'Session Pôle emploi' }));
    expect(training.status).toBe(201);
    expect((await camille.call('POST', '/api/bookings', slot('training-mortagne', '09:00', '10:00'))).status).toBe(403);
    const resources = (await camille.call('GET', '/api/bookings/resources')).json.resources as Array<{ id: string; mayBook: boolean }>;
    expect(resources.find((r) => r.id === 'event-hall')).toMatchObject({ mayBook: false });
  });

  it('lists for a member only the bookings they hold or are a guest of', async () => {
    const withGuest = await louis.call('POST', '/api/bookings', slot('room-luneville', '17:00', '18:00', { guestIds: [camille.personId] }));
    expect(withGuest.json.booking.guestIds).toEqual([camille.personId]);
    const mine = (await camille.call('GET', `/api/bookings?from=${paris(DAY, '00:00')}`)).json.bookings as Array<{ personId: number; id: number }>;
    expect(mine.length).toBeGreaterThan(2);
    expect(mine.every((b) => b.personId === camille.personId || b.id === withGuest.json.booking.id)).toBe(true);
    expect((await camille.call('GET', `/api/bookings/${withGuest.json.booking.id}`)).status).toBe(200);
    const louisOnly = (await louis.call('GET', '/api/bookings')).json.bookings.find((b: { personId: number; guestIds: number[] }) => b.personId === louis.personId && b.guestIds.length === 0);
    expect((await camille.call('GET', `/api/bookings/${louisOnly.id}`)).status).toBe(403);
    expect((await camille.call('GET', `/api/bookings?personId=${louis.personId}`)).status).toBe(403);
    expect((await manager.call('GET', `/api/bookings?resourceId=room-luneville&status=confirmed`)).json.bookings).toHaveLength(2);
  });

  it('refuses a bad date and answers for today without one', async () => {
    expect((await camille.call('GET', '/api/bookings/day?date=2027-02-30')).json).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(/no such date/) });
    expect((await anonymous(ctl)('GET', '/api/public/bookings/day')).json).toMatchObject({ date: DAY, timeZone: 'Europe/Paris' });
  });

  it('refuses a desk check-in at a room presence sensor: it is not a desk', async () => {
    expect(await manager.call('POST', '/api/desks/room-baccarat-presence/checkin', { personId: camille.personId }))
      .toMatchObject({ status: 409, json: { message: 'room-baccarat-presence is the presence sensor of a room, not a desk: nobody checks in at it' } });
  });

  it('keeps staff routes for staff', async () => {
    for (const path of ['/api/bookings/notices', '/api/bookings/feeds']) expect((await camille.call('GET', path)).status).toBe(403);
    expect((await manager.call('GET', '/api/bookings/notices')).json).toEqual({ notices: [] });
  });

  it('documents the routes under the bookings tag', async () => {
    const doc = (await anonymous(ctl)('GET', '/docs/json')).json;
    expect(doc.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'bookings' })]));
    expect(doc.paths['/api/bookings'].post.tags).toEqual(['bookings']);
    expect(doc.paths['/api/public/bookings/day'].get.security).toEqual([]);
    expect(MINUTE).toBe(60_000);
  });
});
