import { describe, expect, it } from 'vitest';
import type { BookingRules, Resource } from '../../controller/bookings/model.js';
import { dayBounds, freeSlots, hoursText, onGrid, ruleViolation } from '../../controller/bookings/rules.js';

const TZ = 'Europe/Paris';
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

const rules: BookingRules = {
  openingHours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }, { days: ['sat', 'sun'], from: '00:00', to: '04:00' }],
  slotMinutes: 15, maxMinutes: 240, maxAheadDays: 60, cancelBeforeMinutes: 120, graceMinutes: 15, marginMinutes: 10, groups: null,
};
const baccarat: Resource = {
  id: 'room-baccarat', name: 'Baccarat', kind: 'room', zoneId: 'room-baccarat', deskId: null, seats: 8, rules,
  sensorDeskId: 'room-baccarat-presence', sensorId: 'occ-baccarat', doorIds: ['room-baccarat'],
};
// Wednesday 10 June 2026, 09:05 in Paris (UTC+2)
const NOW = at('2026-06-10T09:05:00+02:00');
const check = (from: string, to: string, now = NOW, extra: { startChanged?: boolean } = {}) =>
  ruleViolation({ startsAt: at(from), endsAt: at(to), ...extra }, baccarat, now, TZ);

describe('booking rules', () => {
  it('accepts a slot on the grid, inside the opening hours, not too long nor too far', () => {
    expect(check('2026-06-10T10:00:00+02:00', '2026-06-10T11:30:00+02:00')).toBeNull();
    expect(check('2026-06-10T16:00:00+02:00', '2026-06-10T20:00:00+02:00')).toBeNull(); // exactly 4 h, up to the closing time
  });

  it('keeps starts and ends on the 15-minute grid of local time', () => {
    expect(check('2026-06-10T10:07:00+02:00', '2026-06-10T11:00:00+02:00')).toBe(
      'Bookings of Baccarat start and end on the 15-minute grid (10:00, 10:15, ...): 10:07 is not on it.');
    expect(check('2026-06-10T10:00:00+02:00', '2026-06-10T11:00:30+02:00')).toMatch(/11:00 is not on it/);
    expect(onGrid(at('2026-06-10T10:45:00+02:00'), 15, TZ)).toBe(true);
  });

  it('refuses a slot outside the opening hours, naming them', () => {
    expect(check('2026-06-10T19:00:00+02:00', '2026-06-10T21:00:00+02:00')).toBe(
      'Baccarat may be booked mon–fri 08:00–20:00, sat, sun 00:00–04:00; 19:00–21:00 on Wed 2026-06-10 is outside these hours.');
    expect(check('2026-06-11T07:45:00+02:00', '2026-06-11T08:30:00+02:00')).toMatch(/outside these hours/);
  });

  it('refuses a booking longer than the maximum', () => {
    expect(check('2026-06-10T10:00:00+02:00', '2026-06-10T14:15:00+02:00')).toBe(
      'Baccarat may be booked for at most 4 hours at a time; 10:00–14:15 on Wed 2026-06-10 lasts 4 hours 15 minutes.');
  });

  it('refuses a start further ahead than allowed, counted in local days', () => {
    expect(check('2026-08-09T10:00:00+02:00', '2026-08-09T11:00:00+02:00')).toMatch(/opening hours|outside/); // a Sunday: closed then
    expect(check('2026-08-10T10:00:00+02:00', '2026-08-10T11:00:00+02:00')).toBe(
      'Baccarat may be booked at most 60 days ahead, up to 2026-08-09; 10:00–11:00 on Mon 2026-08-10 is further.');
    expect(check('2026-08-07T10:00:00+02:00', '2026-08-07T11:00:00+02:00')).toBeNull();
  });

  it('refuses the past, but lets the slot under way be booked, and a move keep its past start', () => {
    expect(check('2026-06-10T08:45:00+02:00', '2026-06-10T10:00:00+02:00')).toBe(
      '08:45–10:00 on Wed 2026-06-10 is in the past: Baccarat can be booked from 09:00 today onwards.');
    expect(check('2026-06-10T09:00:00+02:00', '2026-06-10T10:00:00+02:00')).toBeNull();
    expect(check('2026-06-10T08:00:00+02:00', '2026-06-10T10:00:00+02:00', NOW, { startChanged: false })).toBeNull();
    expect(check('2026-06-10T10:00:00+02:00', '2026-06-10T10:00:00+02:00')).toBe('A booking must end after it starts.');
  });

  it('follows the wall clock across the spring-forward night: 00:00–04:00 lasts 3 real hours on 29 March 2026', () => {
    const before = at('2026-03-27T12:00:00+01:00');
    // Sunday 29 March: 02:00 does not exist, 03:00 follows 01:59. 01:00–04:00 is 2 real hours, inside the hours.
    expect(check('2026-03-29T01:00:00+01:00', '2026-03-29T04:00:00+02:00', before)).toBeNull();
    expect(check('2026-03-29T00:00:00+01:00', '2026-03-29T04:00:00+02:00', before)).toBeNull();
    // Ending at 04:15 local is outside; 15-minute steps stay on the local grid across the jump.
    expect(check('2026-03-29T03:00:00+02:00', '2026-03-29T04:15:00+02:00', before)).toMatch(/outside these hours/);
    expect(onGrid(at('2026-03-29T03:15:00+02:00'), 15, TZ)).toBe(true);
    // The day itself has 23 hours.
    const [from, to] = dayBounds('2026-03-29', TZ);
    expect((to - from) / 3_600_000).toBe(23);
    expect((dayBounds('2026-10-25', TZ)[1] - dayBounds('2026-10-25', TZ)[0]) / 3_600_000).toBe(25);
  });

  it('counts the real length on the autumn-back night: 01:00–04:00 lasts 4 hours on 25 October 2026', () => {
    const before = at('2026-10-23T12:00:00+02:00');
    const short = { ...baccarat, rules: { ...rules, maxMinutes: 180 } };
    expect(ruleViolation({ startsAt: at('2026-10-25T01:00:00+02:00'), endsAt: at('2026-10-25T04:00:00+01:00') }, short, before, TZ))
      .toMatch(/at most 3 hours at a time; .* lasts 4 hours/);
  });

  it('describes opening hours briefly', () => {
    expect(hoursText(rules.openingHours)).toBe('mon–fri 08:00–20:00, sat, sun 00:00–04:00');
  });
});

describe('free slots', () => {
  const day = dayBounds('2026-06-10', TZ);
  const open = [[at('2026-06-10T08:00:00+02:00'), at('2026-06-10T20:00:00+02:00')]] as Array<[number, number]>;

  it('are the open hours minus the busy ones', () => {
    const busy: Array<[number, number]> = [[at('2026-06-10T10:00:00+02:00'), at('2026-06-10T11:00:00+02:00')], [at('2026-06-10T14:00:00+02:00'), at('2026-06-10T15:30:00+02:00')]];
    expect(freeSlots(open, busy, 15, TZ)).toEqual([
      [at('2026-06-10T08:00:00+02:00'), at('2026-06-10T10:00:00+02:00')],
      [at('2026-06-10T11:00:00+02:00'), at('2026-06-10T14:00:00+02:00')],
      [at('2026-06-10T15:30:00+02:00'), at('2026-06-10T20:00:00+02:00')],
    ]);
    expect(day[1] - day[0]).toBe(24 * 60 * MIN);
  });

  it('start on the next grid step after a release at an odd minute, and drop leftovers shorter than a step', () => {
    const released: Array<[number, number]> = [[at('2026-06-10T08:00:00+02:00'), at('2026-06-10T08:17:00+02:00')], [at('2026-06-10T08:30:00+02:00'), at('2026-06-10T19:50:00+02:00')]];
    expect(freeSlots(open, released, 15, TZ)).toEqual([]);
    expect(freeSlots(open, [[at('2026-06-10T08:00:00+02:00'), at('2026-06-10T09:07:00+02:00')]], 15, TZ))
      .toEqual([[at('2026-06-10T09:15:00+02:00'), at('2026-06-10T20:00:00+02:00')]]);
  });
});
