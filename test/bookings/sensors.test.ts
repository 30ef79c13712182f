import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../controller/access/decide.js';
import type { TestController } from '../support/controller.js';
import { connectDevice, eventually, newBootId, publishUplink, uplink } from '../support/mqtt-device.js';
import { anonymous, caller, DAY, MINUTE, paris, settableClock, startBookingController, type Caller } from './support.js';

/**
 * The no-show release and the overrun notice from simulated sensors over real MQTT: a room
 * whose sensor never sees anybody is given back after the grace, with its evidence; one whose
 * sensor reports somebody is not, and raises a notice when it stays occupied into the next
 * booking. The jobs run at instants the test chooses, and pick up after a restart.
 */
describe('bookings and the sensors', () => {
  const clock = settableClock(paris(DAY, '08:00'));
  let dir: string;
  let ctl: TestController;
  let camille: Caller;
  let louis: Caller;
  let sensor: MqttClient | undefined;
  const bootId = newBootId();
  let seq = 0;
  const ids = { luneville: 0, baccarat: 0, next: 0, vezouze: 0 };

  const book = async (who: Caller, resourceId: string, from: string, to: string): Promise<number> => {
    const res = await who.call('POST', '/api/bookings', { resourceId, startsAt: paris(DAY, from), endsAt: paris(DAY, to) });
    expect(res.status).toBe(201);
    return res.json.booking.id as number;
  };
  const booking = async (id: number) => (await ctl.api('GET', `/api/bookings/${id}`)).json.booking;
  const occupied = (value: boolean) => publishUplink(sensor as MqttClient, 'occ-baccarat', 'desk', uplink('desk', 'occ-baccarat', bootId, seq++, { occupied: value }));

  // The test clock jumps by minutes while the presence sweep runs every 5 s of real time: with the
  // default 90 s a sweep after a jump would mark occ-baccarat offline and end its occupied stretch.
  const env = () => ({ DATA_DIR: dir, DEVICE_OFFLINE_AFTER_S: '86400' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-book-'));
    ctl = await startBookingController(clock, env());
    camille = await caller(ctl, 'camille', 'member', { name: 'Camille Durand' });
    louis = await caller(ctl, 'louis', 'member', { name: 'Louis Petit' });
    ids.luneville = await book(camille, 'room-luneville', '09:00', '10:00');
    ids.baccarat = await book(camille, 'room-baccarat', '09:00', '10:00');
    ids.next = await book(louis, 'room-baccarat', '10:00', '11:00');
    ids.vezouze = await book(louis, 'room-vezouze', '11:00', '12:00');
    sensor = await connectDevice(ctl.system.mqttUrl, 'occ-baccarat', await ctl.provision('occ-baccarat'));
  });
  afterAll(async () => {
    await sensor?.endAsync(true);
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks in a booking whose room sensor reports somebody, and releases the one nobody came to after the grace', async () => {
    clock.now = paris(DAY, '09:02');
    await occupied(true);
    await eventually(() => ctl.query("SELECT 1 FROM desk_occupancy WHERE desk_id = 'room-baccarat-presence' AND ended_at IS NULL").length === 1, 'room occupied');

    ctl.system.bookings.runJobs(paris(DAY, '09:14'));
    expect(await booking(ids.baccarat)).toMatchObject({ status: 'confirmed', checkedInAt: paris(DAY, '09:02') });
    expect(await booking(ids.luneville)).toMatchObject({ status: 'confirmed', checkedInAt: null }); // still within the grace

    clock.now = paris(DAY, '09:15') + 20_000;
    ctl.system.bookings.runJobs();
    expect(await booking(ids.luneville)).toMatchObject({
      status: 'released', releasedAt: paris(DAY, '09:15'),
      releaseEvidence: {
        sensorId: 'occ-luneville', sensorOnline: false, sensorOccupiedSeen: false, doorPassages: 0, doorGrants: 0,
        checkedFrom: paris(DAY, '08:50'), checkedUntil: clock.now, graceMinutes: 15,
      },
    });
    expect(await booking(ids.baccarat)).toMatchObject({ status: 'confirmed' });
    expect(ctl.system.hub.snapshot().state.recent.filter((e) => e.type === 'booking').at(-1)).toMatchObject({ change: 'released', resourceId: 'room-luneville', end: paris(DAY, '09:15') });
  });

  it('shows the released slot free on the day view and the public page, and no longer opens the door', async () => {
    const luneville = (day: any) => day.resources.find((r: { resourceId: string }) => r.resourceId === 'room-luneville');
    const own = luneville((await camille.call('GET', `/api/bookings/day?date=${DAY}`)).json);
    expect(own.busy).toEqual([expect.objectContaining({ start: paris(DAY, '09:00'), end: paris(DAY, '09:15'), status: 'released', mine: true })]);
    expect(own.free[0]).toEqual({ start: paris(DAY, '08:00'), end: paris(DAY, '09:00') });
    expect(own.free[1]).toEqual({ start: paris(DAY, '09:15'), end: paris(DAY, '20:00') });
    const pub = luneville((await anonymous(ctl)('GET', `/api/public/bookings/day?date=${DAY}`)).json);
    expect(pub.busy).toEqual([{ start: paris(DAY, '09:00'), end: paris(DAY, '09:15'), kind: 'booking', status: 'released' }]);
    expect(pub.free[1]).toEqual({ start: paris(DAY, '09:15'), end: paris(DAY, '20:00') });
    // The rest of the slot can be booked again.
    expect((await louis.call('POST', '/api/bookings', { resourceId: 'room-luneville', startsAt: paris(DAY, '09:30'), endsAt: paris(DAY, '10:00') })).status).toBe(201);
    ctl.system.access.people.addCredential(camille.personId as number, { uid: '04CA0000C1' }, 'test');
    const at = (hhmm: string) => decide(ctl.system.access.state, { doorId: 'room-luneville', side: 'outside', uid: '04CA0000C1', at: paris(DAY, hhmm) });
    expect(at('09:20')).toMatchObject({ grant: false, reason: 'not_allowed' }); // the released booking opens nothing any more
    expect(ctl.system.access.state.bookingGrants(camille.personId as number).map((g) => g.bookingId)).not.toContain(ids.luneville);
  });

  it('raises one notice for managers when the room stays occupied into the next booking', async () => {
    clock.now = paris(DAY, '10:06');
    await occupied(true); // still there: a sign of life, the stretch goes on
    ctl.system.bookings.runJobs();
    const notices = (await ctl.api('GET', '/api/bookings/notices')).json.notices;
    expect(notices).toEqual([{
      id: expect.any(Number), bookingId: ids.baccarat, resourceId: 'room-baccarat', kind: 'overrun', at: clock.now,
      detail: 'Baccarat was still occupied 6 minutes after the booking of 09:00–10:00 ended, and the next booking starts at 10:00.',
    }]);
    ctl.system.bookings.runJobs(paris(DAY, '10:07'));
    expect((await ctl.api('GET', '/api/bookings/notices')).json.notices).toHaveLength(1);
    expect(ctl.system.hub.snapshot().state.recent.filter((e) => e.type === 'booking_notice')).toHaveLength(1);
    expect(await booking(ids.next)).toMatchObject({ status: 'confirmed', checkedInAt: paris(DAY, '09:50') });
    expect((await camille.call('GET', '/api/bookings/notices')).status).toBe(403);
  });

  it('releases after a restart what fell due while the controller was down', async () => {
    await sensor?.endAsync(true);
    sensor = undefined;
    await ctl.stop();
    clock.now = paris(DAY, '11:20');
    ctl = await startBookingController(clock, env());
    expect(await booking(ids.vezouze)).toMatchObject({ status: 'released', releasedAt: paris(DAY, '11:15') });
    expect(await booking(ids.baccarat)).toMatchObject({ status: 'confirmed', checkedInAt: paris(DAY, '09:02') });
    expect(MINUTE).toBe(60_000);
  });
});
