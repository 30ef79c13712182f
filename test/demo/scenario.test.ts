import { describe, expect, it } from 'vitest';
import { readBuildingDevices } from '../../firmware-sim/building-devices.js';
import { generateDay, hm, type DemoAction, type DemoBooking, type DemoDay } from '../../firmware-sim/demo/scenario.js';

const building = readBuildingDevices();
const day1 = generateDay(1, building);
const readerOf = (doorId: string, side = 'outside') =>
  building.devices.find((d) => d.kind === 'reader' && d.doorId === doorId && d.side === side)?.deviceId as string;
const ENTRANCE = readerOf('main-entrance');
const EXIT = readerOf('main-entrance', 'inside');
const badges = (day: DemoDay, reader?: string) =>
  day.actions.filter((a): a is Extract<DemoAction, { kind: 'badge' }> => a.kind === 'badge' && (reader === undefined || a.reader === reader));
const role = (day: DemoDay, key: string) => day.people.find((p) => p.key === key)?.role;

describe('demo scenario: a reproducible day from a seed', () => {
  it('same seed, same day; another seed, another day', () => {
    expect(generateDay(1, building)).toEqual(day1);
    const day2 = generateDay(2, building);
    expect(day2.actions).not.toEqual(day1.actions);
    expect(day2.people.map((p) => p.name)).not.toEqual(day1.people.map((p) => p.name));
    expect(() => generateDay(1.5, building)).toThrow(/integer/);
  });

  it('its actions are sorted by time, within the day', () => {
    for (const day of [day1, generateDay(7, building), generateDay(-3, building)]) {
      day.actions.forEach((a, i) => {
        if (i > 0) expect(a.t).toBeGreaterThanOrEqual((day.actions[i - 1] as DemoAction).t);
      });
      expect(day.actions[0]?.t).toBeGreaterThanOrEqual(day.start);
      expect(day.actions.at(-1)?.t).toBeLessThanOrEqual(day.end);
    }
  });

  it('every person who comes in has a badge of their own, and everything happens on devices of the building', () => {
    const uids = day1.people.map((p) => p.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[0-9A-F]{8,20}$/);
    const keys = new Set(day1.people.map((p) => p.key));
    const devices = new Map(building.devices.map((d) => [d.deviceId, d.kind]));
    for (const a of day1.actions) {
      if (a.kind === 'badge' || a.kind === 'egress') {
        expect(keys.has(a.person), a.person).toBe(true);
        expect(devices.get(a.reader)).toBe('reader');
      }
      if (a.kind === 'desk' || a.kind === 'battery') expect(devices.get(a.sensor)).toBe('desk');
      if (a.kind === 'link') expect(devices.has(a.device)).toBe(true);
      if (a.kind === 'traffic') for (const c of a.counters) expect(day1.meterPorts[a.meter]).toContain(c.port);
    }
    // The cast of the brief: ~30 coworkers, 6 residents, 12 trainees, 2 staff, visitors with passes.
    const count = (r: string) => day1.people.filter((p) => p.role === r).length;
    expect([count('coworker'), count('resident'), count('trainee'), count('staff')]).toEqual([30, 6, 12, 2]);
    expect(count('museum visitor')).toBeGreaterThanOrEqual(3);
    expect(day1.people.filter((p) => p.mac !== undefined).length).toBeGreaterThan(0);
  });

  it('each person goes in and out of the building in turn, whatever the seed', () => {
    for (const seed of [1, 2, 3, 42, 2025]) checkInAndOut(seed === 1 ? day1 : generateDay(seed, building));
  });

  function checkInAndOut(day: DemoDay): void {
    const byPerson = new Map<string, DemoAction[]>();
    for (const a of day.actions) if ('person' in a && a.person !== undefined) byPerson.set(a.person, [...(byPerson.get(a.person) ?? []), a]);
    for (const [key, actions] of byPerson) {
      const doors = actions.filter((a) => (a.kind === 'badge' && (a.reader === ENTRANCE || a.reader === EXIT)) || (a.kind === 'egress' && a.reader === EXIT));
      doors.forEach((a, i) => expect(a.kind === 'badge' && a.reader === ENTRANCE, `${key} #${i}`).toBe(i % 2 === 0));
      expect(doors.length % 2, `${key} leaves by the end of the day`).toBe(0);
    }
  }

  it('the building wakes up at once: arrivals in the first simulated minutes, coworkers between 8 and 10', () => {
    const first = badges(day1, ENTRANCE).filter((a) => a.t < day1.start + 5 * 60);
    expect(first.length).toBeGreaterThanOrEqual(3);
    const arrivals = new Map<string, number>();
    for (const a of badges(day1, ENTRANCE)) if (!arrivals.has(a.person)) arrivals.set(a.person, a.t);
    const coworkers = [...arrivals].filter(([key]) => role(day1, key) === 'coworker');
    expect(coworkers).toHaveLength(30);
    for (const [, t] of coworkers) expect(t >= hm(8) && t <= hm(10)).toBe(true);
    expect(badges(day1).some((a) => a.reader === readerOf('coworking'))).toBe(true);
    expect(day1.actions.some((a) => a.kind === 'desk' && a.occupied && a.t < hm(8, 10))).toBe(true);
  });

  it('holds the episodes of the day: a forgotten badge-out, a low battery, a reader cut off', () => {
    const forgotten = day1.actions.filter((a) => a.kind === 'egress' && a.forgotten === true);
    expect(forgotten).toHaveLength(1);
    expect(forgotten[0]).toMatchObject({ reader: EXIT });
    const low = day1.actions.filter((a): a is Extract<DemoAction, { kind: 'battery' }> => a.kind === 'battery');
    expect(low.some((a) => a.percent < 20)).toBe(true);
    const link = day1.actions.filter((a): a is Extract<DemoAction, { kind: 'link' }> => a.kind === 'link');
    expect(link.map((a) => [a.device, a.up])).toEqual([['rdr-lab', false], ['rdr-lab', true]]);
    const [down, up] = link as [DemoAction, DemoAction];
    expect(badges(day1, 'rdr-lab').filter((a) => a.t > down.t && a.t < up.t).length).toBeGreaterThanOrEqual(3);
    expect(day1.batteries['desk-cw-hot-01']).toBeGreaterThanOrEqual(20);
    expect(day1.actions.filter((a) => a.kind === 'traffic').map((a) => (a.kind === 'traffic' ? a.meter : '')))
      .toEqual(expect.arrayContaining(['net-ground', 'net-first', 'net-second', 'net-uplink']));
  });

  it('books the three meeting rooms and a hot desk: a meeting, a no-show, an overrun into the next booking', () => {
    const bookings = day1.bookings;
    expect(bookings.map((b) => b.story).sort()).toEqual(['desk', 'meeting', 'next', 'no-show', 'overrun']);
    const rooms = bookings.flatMap((b) => ('zoneId' in b.place ? [b.place.zoneId] : []));
    expect(new Set(rooms)).toEqual(new Set(['room-baccarat', 'room-luneville', 'room-vezouze']));
    const devices = new Map(building.devices.map((d) => [d.deviceId, d]));
    for (const b of bookings) {
      // Booked by coworkers of the day, for themselves and their guests; only they come.
      for (const key of [b.holder, ...b.guests]) expect(role(day1, key), `${b.key}: ${key}`).toBe('coworker');
      for (const key of b.comers) expect([b.holder, ...b.guests]).toContain(key);
      expect(b.slots).toBeGreaterThanOrEqual(1);
      const sensor = devices.get(b.sensor);
      expect(sensor).toMatchObject({ kind: 'desk', deskId: b.sensorDeskId });
      if ('zoneId' in b.place) {
        expect(b.reader).toBe(readerOf(b.place.zoneId));
        expect(sensor).toMatchObject({ zoneId: b.place.zoneId }); // the room's presence sensor
      } else {
        expect(b.reader).toBeNull();
        expect(b.sensorDeskId).toBe(b.place.deskId);
        // A desk nobody sits at in the rest of the day.
        expect(day1.actions.some((a) => a.kind === 'desk' && a.sensor === b.sensor)).toBe(false);
      }
    }
    const story = (s: string) => bookings.find((b) => b.story === s) as DemoBooking;
    expect(story('no-show').comers).toEqual([]);
    expect(story('meeting').comers.length).toBeGreaterThanOrEqual(2); // the holder and a guest
    // The next booking of the overrun's room begins when the overrun's ends.
    expect(story('next').place).toEqual(story('overrun').place);
    expect(story('next').slot).toBe(story('overrun').slot + story('overrun').slots);
    // Meeting-room doors open to bookings only: the scripted day never badges into them.
    for (const room of rooms) expect(badges(day1, readerOf(room))).toEqual([]);
    expect(generateDay(2, building).bookings.map((b) => b.holder)).not.toEqual(bookings.map((b) => b.holder));
  });

  it('trainees come to their two sessions today, in Meurthe and Mortagne, on their timetable', () => {
    expect(day1.sessions.map((s) => s.zoneId)).toEqual(['training-meurthe', 'training-mortagne']);
    expect(day1.sessions.flatMap((s) => s.trainees).sort()).toEqual(day1.people.filter((p) => p.role === 'trainee').map((p) => p.key).sort());
    for (const s of day1.sessions) {
      for (const key of s.trainees) {
        const entries = badges(day1, readerOf('training')).filter((a) => a.person === key);
        expect(entries).toHaveLength(1);
        expect((entries[0] as DemoAction).t).toBeGreaterThanOrEqual(s.start - 45 * 60);
        expect((entries[0] as DemoAction).t).toBeLessThan(s.end);
      }
    }
  });

  it('museum visitors in the afternoon, and an evening event with many entries', () => {
    const museum = badges(day1, readerOf('museum'));
    expect(museum.length).toBeGreaterThanOrEqual(3);
    for (const a of museum) {
      expect(role(day1, a.person)).toBe('museum visitor');
      expect(a.t >= hm(14) && a.t < hm(18)).toBe(true);
    }
    const event = badges(day1, readerOf('event-hall'));
    expect(event.filter((a) => a.t >= hm(18)).length).toBeGreaterThanOrEqual(20);
    expect(badges(day1, ENTRANCE).filter((a) => a.t >= hm(18, 15) && a.t < hm(19, 15)).length).toBeGreaterThanOrEqual(10);
  });
});
