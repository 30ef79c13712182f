import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../controller/access/decide.js';
import { deviceDownlinkFilter, type AccessDownlink, type AllowlistDownlink } from '../../gateway/protocol/index.js';
import type { TestController } from '../support/controller.js';
import { connectDevice, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';
import { caller, DAY, MINUTE, paris, settableClock, startBookingController, type Caller } from './support.js';

const UID = { holder: '04B0000001', guest: '04B0000002', other: '04B0000003' };

/**
 * A booking opens the room's door for its holder and guests during the slot and its margin (10
 * minutes for a meeting room), online and in the reader's allow-list, and nobody else; the
 * reader gets each change within a second. The controller runs on a clock the test sets.
 */
describe('a booking opens the door', () => {
  const clock = settableClock(paris(DAY, '08:00'));
  let ctl: TestController;
  let manager: Caller;
  let client: MqttClient;
  const commands: Array<{ kind: string; body: any; at: number }> = []; // any: downlinks of every kind
  const bootId = newBootId();
  let seq = 0;
  const person: Record<keyof typeof UID, number> = { holder: 0, guest: 0, other: 0 };

  const allowlists = (from = 0) => commands.slice(from).filter((c) => c.kind === 'allowlist').map((c) => c.body as AllowlistDownlink);
  const badge = async (uid: string, at: number): Promise<AccessDownlink> => {
    clock.now = at;
    const mine = seq++;
    await publishUplink(client, 'rdr-baccarat', 'badge', uplink('badge', 'rdr-baccarat', bootId, mine, { uid }));
    const answer = await eventually(() => commands.find((c) => c.kind === 'access' && c.body.inReplyTo.seq === mine), 'access answer');
    return answer.body as AccessDownlink;
  };

  beforeAll(async () => {
    ctl = await startBookingController(clock);
    manager = await caller(ctl, 'sam', 'manager', { name: 'Sam Staff', kind: 'staff' });
    const { people } = ctl.system.access;
    for (const key of Object.keys(UID) as Array<keyof typeof UID>) {
      person[key] = people.createPerson({ kind: 'member', name: key }, 'test'); // in no access group: only bookings open doors for them
      people.addCredential(person[key], { uid: UID[key] }, 'test');
    }
    const booked = await manager.call('POST', '/api/bookings', {
      resourceId: 'room-baccarat', startsAt: paris(DAY, '10:00'), endsAt: paris(DAY, '11:00'), personId: person.holder, guestIds: [person.guest],
    });
    expect(booked.status).toBe(201);
    client = await connectDevice(ctl.system.mqttUrl, 'rdr-baccarat', await ctl.provision('rdr-baccarat'));
    client.on('message', (topic, payload) => commands.push({ kind: topic.split('/').at(-1) as string, body: JSON.parse(payload.toString()), at: Date.now() }));
    await client.subscribeAsync(deviceDownlinkFilter(SITE_ID, 'rdr-baccarat'), { qos: 1 });
    await client.publishAsync(`mf/v1/${SITE_ID}/rdr-baccarat/status`,
      JSON.stringify({ v: 1, deviceId: 'rdr-baccarat', bootId, state: 'online', ts: Date.now() }), { qos: 1, retain: true });
    await eventually(() => allowlists().some((a) => a.mode === 'full'), 'full allow-list after birth');
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await ctl?.stop();
  });

  it('puts the holder and the guest in the reader\'s allow-list for the slot plus its margin, and nobody else', () => {
    const entries = new Map(allowlists().flatMap((a) => a.upsert).map((e) => [e.uid, e.intervals]));
    const window = [[paris(DAY, '09:50'), paris(DAY, '11:10')]];
    expect(entries.get(UID.holder)).toEqual(window);
    expect(entries.get(UID.guest)).toEqual(window);
    expect(entries.has(UID.other)).toBe(false);
  });

  it('sends a new booking and a cancellation to the online reader within a second', async () => {
    let from = commands.length;
    let asked = Date.now();
    const b = await manager.call('POST', '/api/bookings', { resourceId: 'room-baccarat', startsAt: paris(DAY, '12:00'), endsAt: paris(DAY, '13:00'), personId: person.other });
    const added = await eventually(() => allowlists(from).find((a) => a.upsert.some((e) => e.uid === UID.other)), 'delta with the new holder', 1_000);
    expect(added.mode).toBe('delta');
    expect(added.upsert.find((e) => e.uid === UID.other)?.intervals).toEqual([[paris(DAY, '11:50'), paris(DAY, '13:10')]]);
    expect(Date.now() - asked).toBeLessThan(1_000);
    from = commands.length;
    asked = Date.now();
    expect((await manager.call('DELETE', `/api/bookings/${b.json.booking.id}`)).status).toBe(200);
    await eventually(() => allowlists(from).find((a) => a.remove.includes(UID.other)), 'delta removing the cancelled holder', 1_000);
    expect(Date.now() - asked).toBeLessThan(1_000);
  });

  it('opens for the holder from the margin before the start until the margin after the end, and not a minute outside', async () => {
    expect(await badge(UID.holder, paris(DAY, '09:49'))).toMatchObject({ grant: false, reason: 'outside_schedule' });
    expect(await badge(UID.holder, paris(DAY, '09:50'))).toMatchObject({ grant: true, reason: 'granted' });
    expect(await badge(UID.holder, paris(DAY, '10:30'))).toMatchObject({ grant: true });
    expect(await badge(UID.holder, paris(DAY, '11:09'))).toMatchObject({ grant: true });
    expect(await badge(UID.holder, paris(DAY, '11:10'))).toMatchObject({ grant: false, reason: 'outside_schedule' });
  });

  it('opens for the guest during the slot, and never for another member', async () => {
    expect(await badge(UID.guest, paris(DAY, '10:15'))).toMatchObject({ grant: true });
    expect(await badge(UID.other, paris(DAY, '10:15'))).toMatchObject({ grant: false, reason: 'not_allowed' });
  });

  it('opens the doors on the way to the room too (the main entrance, the coworking), during the slot only', () => {
    const state = ctl.system.access.state;
    const at = (hhmm: string, doorId: string) => decide(state, { doorId, side: 'outside', uid: UID.holder, at: paris(DAY, hhmm) });
    expect(at('09:55', 'main-entrance')).toMatchObject({ grant: true });
    expect(at('09:55', 'coworking')).toMatchObject({ grant: true });
    expect(at('12:00', 'main-entrance')).toMatchObject({ grant: false });
    expect(at('10:00', 'lab')).toMatchObject({ grant: false, reason: 'not_allowed' });
    expect(MINUTE).toBe(60_000);
  });
});
