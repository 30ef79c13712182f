import { describe, expect, it } from 'vitest';
import type { Closure, Interval, Schedule, WeeklySlot, Weekday } from '../../controller/access/model.js';
import { inWeeklySlots, scheduleIntervals, scheduleOpen, slotIntervals } from '../../controller/access/schedule.js';

// Expected instants are worked out by hand: Paris is UTC+1 in winter, UTC+2 in summer; the clocks
// change at 01:00Z on 2026-03-29, 2026-10-25, 2027-03-28 and 2027-10-31 (all Sundays).
const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const iv = (from: string, to: string): Interval => [at(from), at(to)];
const HOUR = 3_600_000;
const ALL: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const schedule = (slots: WeeklySlot[], openOnHolidays = false): Schedule => ({ id: 1, name: 'test', slots, openOnHolidays });
const NO_CLOSURES: Closure[] = [];

describe('a 09:00–18:00 slot on the days the clocks change', () => {
  const office = schedule([{ days: ALL, from: '09:00', to: '18:00' }]);
  it.each([
    ['2026-03-29T06:59:00Z', false], // 08:59 CEST
    ['2026-03-29T07:00:00Z', true], // 09:00 CEST
    ['2026-03-29T15:59:00Z', true], // 17:59 CEST
    ['2026-03-29T16:00:00Z', false], // 18:00 CEST
    ['2026-10-25T07:59:00Z', false], // 08:59 CET
    ['2026-10-25T08:00:00Z', true], // 09:00 CET
    ['2026-10-25T17:00:00Z', false], // 18:00 CET
    ['2027-03-28T06:59:00Z', false], // Easter Sunday 2027 is no holiday
    ['2027-03-28T07:00:00Z', true],
    ['2027-10-31T07:59:00Z', false],
    ['2027-10-31T08:00:00Z', true],
  ] as const)('a badge at %s: %s', (iso, open) => {
    expect(scheduleOpen(office, at(iso), PARIS, NO_CLOSURES)).toBe(open);
    expect(inWeeklySlots(office.slots, at(iso), PARIS)).toBe(open);
  });
});

describe('a 22:00–06:00 night slot across each clock-change night', () => {
  const night: WeeklySlot[] = [{ days: ['sat'], from: '22:00', to: '06:00' }];
  it.each([
    ['2026-03-28T00:00:00Z', '2026-03-28T21:00:00Z', '2026-03-29T04:00:00Z', 7], // 22:00 CET → 06:00 CEST
    ['2026-10-24T00:00:00Z', '2026-10-24T20:00:00Z', '2026-10-25T05:00:00Z', 9], // 22:00 CEST → 06:00 CET
    ['2027-03-27T00:00:00Z', '2027-03-27T21:00:00Z', '2027-03-28T04:00:00Z', 7],
    ['2027-10-30T00:00:00Z', '2027-10-30T20:00:00Z', '2027-10-31T05:00:00Z', 9],
  ] as const)('from Saturday %s: %s → %s, %i hours', (saturday, from, to, hours) => {
    const list = slotIntervals(night, at(saturday), at(saturday) + 48 * HOUR, PARIS);
    expect(list).toEqual([iv(from, to)]);
    expect(at(to) - at(from)).toBe(hours * HOUR);
    expect(inWeeklySlots(night, at(from) - 1, PARIS)).toBe(false);
    expect(inWeeklySlots(night, at(from), PARIS)).toBe(true);
    expect(inWeeklySlots(night, at(to) - 1, PARIS)).toBe(true);
    expect(inWeeklySlots(night, at(to), PARIS)).toBe(false);
  });

  it('covers both passes of the repeated hour in autumn', () => {
    expect(inWeeklySlots(night, at('2026-10-25T00:30:00Z'), PARIS)).toBe(true); // 02:30 CEST
    expect(inWeeklySlots(night, at('2026-10-25T01:30:00Z'), PARIS)).toBe(true); // 02:30 CET
  });
});

describe('a slot crossing midnight', () => {
  const friday: WeeklySlot[] = [{ days: ['fri'], from: '22:00', to: '02:00' }];
  it.each([
    ['2026-06-04T21:00:00Z', false], // Thursday 23:00: only Friday is listed
    ['2026-06-05T00:30:00Z', false], // Friday 02:30 would belong to Thursday's slot
    ['2026-06-05T19:59:00Z', false], // Friday 21:59 CEST
    ['2026-06-05T20:00:00Z', true], // Friday 22:00
    ['2026-06-05T23:59:00Z', true], // Saturday 01:59: the part after midnight is Friday's
    ['2026-06-06T00:00:00Z', false], // Saturday 02:00
    ['2026-06-06T20:00:00Z', false], // Saturday 22:00
  ] as const)('fri 22:00–02:00 at %s: %s', (iso, open) => {
    expect(inWeeklySlots(friday, at(iso), PARIS)).toBe(open);
  });

  it('is listed as one interval per Friday', () => {
    expect(slotIntervals(friday, at('2026-06-01T00:00:00Z'), at('2026-06-15T00:00:00Z'), PARIS)).toEqual([
      iv('2026-06-05T20:00:00Z', '2026-06-06T00:00:00Z'),
      iv('2026-06-12T20:00:00Z', '2026-06-13T00:00:00Z'),
    ]);
  });
});

describe('closed days (holidays and closures)', () => {
  // Rule: an occurrence belongs to the day it starts on; a closed day removes the occurrences
  // that start on it, and one that started the day before runs to its end.
  const nights = schedule([{ days: ALL, from: '22:00', to: '02:00' }]);
  it.each([
    ['2026-12-31T21:30:00Z', true], // Thursday 22:30
    ['2027-01-01T00:30:00Z', true], // 01:30 on New Year's Day, in Thursday's slot
    ['2027-01-01T21:30:00Z', false], // 22:30 on New Year's Day: starts on the holiday
    ['2027-01-02T00:30:00Z', false], // Saturday 01:30, still the holiday's occurrence
    ['2027-01-02T21:30:00Z', true], // Saturday 22:30
  ] as const)('New Year, a 22:00–02:00 slot at %s: %s', (iso, open) => {
    expect(scheduleOpen(nights, at(iso), PARIS, NO_CLOSURES)).toBe(open);
    expect(scheduleOpen({ ...nights, openOnHolidays: true }, at(iso), PARIS, NO_CLOSURES)).toBe(true);
    expect(inWeeklySlots(nights.slots, at(iso), PARIS)).toBe(true);
  });

  it('lists the New Year nights without the holiday\'s occurrence', () => {
    expect(scheduleIntervals(nights, at('2026-12-31T00:00:00Z'), at('2027-01-03T00:00:00Z'), PARIS, NO_CLOSURES)).toEqual([
      iv('2026-12-31T00:00:00Z', '2026-12-31T01:00:00Z'), // Wednesday's night, clipped
      iv('2026-12-31T21:00:00Z', '2027-01-01T01:00:00Z'),
      iv('2027-01-02T21:00:00Z', '2027-01-03T00:00:00Z'),
    ]);
    expect(scheduleIntervals({ ...nights, openOnHolidays: true }, at('2027-01-01T12:00:00Z'), at('2027-01-02T12:00:00Z'), PARIS, NO_CLOSURES))
      .toEqual([iv('2027-01-01T21:00:00Z', '2027-01-02T01:00:00Z')]);
  });

  const office = schedule([{ days: ALL, from: '09:00', to: '18:00' }]);
  it.each([
    ['2026-04-05T08:00:00Z', true], // Easter Sunday, 10:00 CEST
    ['2026-04-06T08:00:00Z', false], // Easter Monday
    ['2026-04-07T08:00:00Z', true],
    ['2026-05-14T08:00:00Z', false], // Ascension
    ['2026-05-25T08:00:00Z', false], // Whit Monday
    ['2026-07-14T08:00:00Z', false],
    ['2027-03-29T08:00:00Z', false], // Easter Monday 2027
    ['2026-08-14T08:00:00Z', false], // a closure of the centre
    ['2026-08-13T08:00:00Z', true],
  ] as const)('office hours at %s: %s', (iso, open) => {
    const closures: Closure[] = [{ date: '2026-08-14', name: "Pont de l'Assomption" }];
    expect(scheduleOpen(office, at(iso), PARIS, closures)).toBe(open);
    expect(scheduleOpen({ ...office, openOnHolidays: true }, at(iso), PARIS, closures)).toBe(true);
  });

  it('removes a closure day from the intervals', () => {
    const closures: Closure[] = [{ date: '2026-08-14', name: "Pont de l'Assomption" }];
    expect(scheduleIntervals(office, at('2026-08-13T00:00:00Z'), at('2026-08-16T00:00:00Z'), PARIS, closures)).toEqual([
      iv('2026-08-13T07:00:00Z', '2026-08-13T16:00:00Z'), // 14 Aug closed, 15 Aug Assomption
    ]);
    expect(scheduleIntervals(office, at('2026-08-13T00:00:00Z'), at('2026-08-15T00:00:00Z'), PARIS, NO_CLOSURES)).toEqual([
      iv('2026-08-13T07:00:00Z', '2026-08-13T16:00:00Z'),
      iv('2026-08-14T07:00:00Z', '2026-08-14T16:00:00Z'),
    ]);
  });
});

describe('slotIntervals across the clock-change weekends', () => {
  const slots: WeeklySlot[] = [
    { days: ALL, from: '08:00', to: '20:00' },
    { days: ['sun'], from: '01:00', to: '04:00' },
  ];

  it('spring 2026: the day slot lasts 12 hours, 01:00–04:00 lasts 2', () => {
    expect(slotIntervals(slots, at('2026-03-27T00:00:00Z'), at('2026-03-30T00:00:00Z'), PARIS)).toEqual([
      iv('2026-03-27T07:00:00Z', '2026-03-27T19:00:00Z'),
      iv('2026-03-28T07:00:00Z', '2026-03-28T19:00:00Z'),
      iv('2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z'), // 01:00 CET → 04:00 CEST
      iv('2026-03-29T06:00:00Z', '2026-03-29T18:00:00Z'),
    ]);
  });

  it('autumn 2026: the day slot lasts 12 hours, 01:00–04:00 lasts 4', () => {
    expect(slotIntervals(slots, at('2026-10-23T00:00:00Z'), at('2026-10-26T00:00:00Z'), PARIS)).toEqual([
      iv('2026-10-23T06:00:00Z', '2026-10-23T18:00:00Z'),
      iv('2026-10-24T06:00:00Z', '2026-10-24T18:00:00Z'),
      iv('2026-10-24T23:00:00Z', '2026-10-25T03:00:00Z'), // 01:00 CEST → 04:00 CET
      iv('2026-10-25T07:00:00Z', '2026-10-25T19:00:00Z'),
    ]);
  });

  it('a slot inside the skipped hour never opens; one inside the repeated hour opens twice', () => {
    const early: WeeklySlot[] = [{ days: ['sun'], from: '02:00', to: '02:30' }];
    expect(slotIntervals(early, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), PARIS)).toEqual([]);
    expect(slotIntervals(early, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), PARIS)).toEqual([
      iv('2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z'),
      iv('2026-10-25T01:00:00Z', '2026-10-25T01:30:00Z'),
    ]);
    expect(inWeeklySlots(early, at('2026-10-25T00:45:00Z'), PARIS)).toBe(false); // 02:45 CEST
    expect(inWeeklySlots(early, at('2026-10-25T01:15:00Z'), PARIS)).toBe(true); // 02:15 CET
  });

  it('a slot starting in the skipped hour opens when the clocks jump', () => {
    const late: WeeklySlot[] = [{ days: ['sun'], from: '02:30', to: '05:00' }];
    expect(slotIntervals(late, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), PARIS)).toEqual([
      iv('2026-03-29T01:00:00Z', '2026-03-29T03:00:00Z'),
    ]);
    expect(inWeeklySlots(late, at('2026-03-29T00:59:59Z'), PARIS)).toBe(false);
    expect(inWeeklySlots(late, at('2026-03-29T01:00:00Z'), PARIS)).toBe(true);
  });

  it('a whole day lasts 23 hours in spring and 25 in autumn', () => {
    const sunday: WeeklySlot[] = [{ days: ['sun'], from: '00:00', to: '24:00' }];
    expect(slotIntervals(sunday, at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'), PARIS))
      .toEqual([iv('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')]);
    expect(slotIntervals(sunday, at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z'), PARIS))
      .toEqual([iv('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')]);
  });
});

describe('slot shapes', () => {
  // Monday 12 and Tuesday 13 January 2026, CET (UTC+1).
  const range = [at('2026-01-11T00:00:00Z'), at('2026-01-15T00:00:00Z')] as const;
  const list = (slots: WeeklySlot[]) => slotIntervals(slots, ...range, PARIS);

  it.each([
    ['00:00–24:00', [{ days: ['mon'], from: '00:00', to: '24:00' }], [iv('2026-01-11T23:00:00Z', '2026-01-12T23:00:00Z')]],
    ['00:00–00:00', [{ days: ['mon'], from: '00:00', to: '00:00' }], [iv('2026-01-11T23:00:00Z', '2026-01-12T23:00:00Z')]],
    ['08:00–08:00 (24 h)', [{ days: ['mon'], from: '08:00', to: '08:00' }], [iv('2026-01-12T07:00:00Z', '2026-01-13T07:00:00Z')]],
    ['20:00–24:00', [{ days: ['mon'], from: '20:00', to: '24:00' }], [iv('2026-01-12T19:00:00Z', '2026-01-12T23:00:00Z')]],
    ['two whole days merge', [{ days: ['mon', 'tue'], from: '00:00', to: '24:00' }], [iv('2026-01-11T23:00:00Z', '2026-01-13T23:00:00Z')]],
    ['touching slots merge', [{ days: ['mon'], from: '08:00', to: '12:00' }, { days: ['mon'], from: '12:00', to: '14:00' }],
      [iv('2026-01-12T07:00:00Z', '2026-01-12T13:00:00Z')]],
    ['overlapping slots merge', [{ days: ['mon'], from: '08:00', to: '12:00' }, { days: ['mon'], from: '09:00', to: '10:00' }],
      [iv('2026-01-12T07:00:00Z', '2026-01-12T11:00:00Z')]],
    ['no days', [{ days: [], from: '08:00', to: '12:00' }], []],
    ['no slots', [], []],
  ] as Array<[string, WeeklySlot[], Interval[]]>)('%s', (_name, slots, expected) => {
    expect(list(slots)).toEqual(expected);
  });

  it('clips to the range, and an empty range gives nothing', () => {
    const day: WeeklySlot[] = [{ days: ALL, from: '08:00', to: '20:00' }];
    expect(slotIntervals(day, at('2026-01-12T12:00:00Z'), at('2026-01-12T15:00:00Z'), PARIS))
      .toEqual([iv('2026-01-12T12:00:00Z', '2026-01-12T15:00:00Z')]);
    expect(slotIntervals(day, at('2026-01-12T12:00:00Z'), at('2026-01-12T12:00:00Z'), PARIS)).toEqual([]);
  });
});

describe('the online and offline answers agree (property check over a year)', () => {
  // Not hand-computed values: this checks that inWeeklySlots/scheduleOpen and the interval lists
  // describe the same instants, every 5 minutes of 2026 and both clock changes included.
  const closures: Closure[] = [{ date: '2026-08-14', name: 'Pont' }];
  const cases: Schedule[] = [
    schedule([{ days: ALL, from: '22:00', to: '02:30' }]),
    schedule([{ days: ['mon', 'sun'], from: '02:15', to: '03:00' }, { days: ['fri'], from: '09:00', to: '09:00' }]),
    schedule([{ days: ['sun', 'thu'], from: '01:00', to: '04:00' }, { days: ALL, from: '08:30', to: '18:45' }], true),
  ];
  it.each(cases.map((s, i) => [i, s] as const))('schedule %i', (_i, s) => {
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2027-01-01T00:00:00Z');
    const raw = slotIntervals(s.slots, from, to, PARIS);
    const closed = scheduleIntervals(s, from, to, PARIS, closures);
    const inside = (list: Interval[], t: number) => list.some(([a, b]) => t >= a && t < b);
    for (let t = from; t < to; t += 5 * 60_000) {
      if (inWeeklySlots(s.slots, t, PARIS) !== inside(raw, t)) throw new Error(`slots disagree at ${new Date(t).toISOString()}`);
      if (scheduleOpen(s, t, PARIS, closures) !== inside(closed, t)) throw new Error(`schedule disagrees at ${new Date(t).toISOString()}`);
    }
  });
});
