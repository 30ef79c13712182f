import { describe, expect, it } from 'vitest';
import { computeUtilisation, localHours, localIso, utilisationDefaults, type UtilisationInput } from '../../controller/presence/utilisation.js';

const TZ = 'Europe/Paris';
/** A wall-clock time in Paris in January (UTC+1), written by hand. */
const jan = (day: number, hhmm: string): number => Date.parse(`2026-01-${String(day).padStart(2, '0')}T${hhmm}:00+01:00`);
const H = 3_600_000;
const MON = 0, TUE = 1, SUN = 6;

const zones = [
  { id: 'hall', capacity: 60 },
  { id: 'coworking', capacity: 50 },
  { id: 'room-baccarat', capacity: 8, parent: 'coworking' },
  { id: 'office-1', capacity: 3 },
];
const desks = [{ id: 'd1', zone: 'coworking', kind: 'hot' }, { id: 'd2', zone: 'coworking', kind: 'fixed' }];

// Monday 12 January 2026, in a week from Monday 00:00 to the next Monday 00:00 (local).
const week: UtilisationInput = {
  from: jan(12, '00:00'), to: jan(19, '00:00'), now: Date.parse('2026-02-01T12:00:00Z'), timeZone: TZ,
  openingHours: utilisationDefaults.openingHours, zones, desks,
  passages: [
    // 3 came on Sunday evening, never badged out: the cut-off closed their session at 00:30 on Monday.
    { personId: 3, toZone: 'hall', at: jan(11, '19:50') },
    { personId: 3, toZone: 'coworking', at: jan(11, '19:55') },
    // 1: hall, coworking, a meeting in Baccarat, back out.
    { personId: 1, toZone: 'hall', at: jan(12, '09:10') },
    { personId: 1, toZone: 'coworking', at: jan(12, '09:15') },
    { personId: 1, toZone: 'room-baccarat', at: jan(12, '12:00') },
    { personId: 1, toZone: 'coworking', at: jan(12, '12:15') },
    { personId: 1, toZone: 'hall', at: jan(12, '12:18') },
    { personId: 1, toZone: 'outside', at: jan(12, '12:20') },
    // 2: never badged out; the cut-off ended the session at their last signal, 10:45.
    { personId: 2, toZone: 'hall', at: jan(12, '09:30') },
    { personId: 2, toZone: 'coworking', at: jan(12, '09:40') },
    // 4 followed someone in (no entry badge, so no session): not counted.
    { personId: 4, toZone: 'office-1', at: jan(12, '11:00') },
  ],
  sessions: [
    { personId: 3, startedAt: jan(11, '19:50'), endedAt: jan(12, '00:30') },
    { personId: 1, startedAt: jan(12, '09:10'), endedAt: jan(12, '12:20') },
    { personId: 2, startedAt: jan(12, '09:30'), endedAt: jan(12, '10:45') },
  ],
  deskOccupancy: [
    { deskId: 'd1', startedAt: jan(11, '10:00'), endedAt: jan(11, '12:00') }, // Sunday: closed, counts nothing
    { deskId: 'd1', startedAt: jan(12, '06:00'), endedAt: jan(12, '09:00') }, // 07:00–09:00 open: 2 h
    { deskId: 'd1', startedAt: jan(12, '20:30'), endedAt: jan(13, '08:00') }, // 20:30–21:00 and 07:00–08:00: 1.5 h
    { deskId: 'd2', startedAt: jan(17, '12:00'), endedAt: null }, // still occupied: Saturday 12:00–13:00 in the week
  ],
};

const zone = (report: ReturnType<typeof computeUtilisation>, id: string) => {
  const z = report.zones.find((x) => x.zoneId === id);
  if (z === undefined) throw new Error(`no zone ${id}`);
  return z;
};

describe('utilisation report: zone heatmaps', () => {
  const report = computeUtilisation(week);

  it('counts every local hour of the week once', () => {
    expect(report.hours.flat()).toEqual(new Array(7 * 24).fill(1));
  });

  it('counts distinct people per hour, a meeting room inside the coworking counting in it too', () => {
    const cw = zone(report, 'coworking').heatmap[MON] as number[];
    expect(cw.slice(0, 2)).toEqual([1, 0]); // 3, there since Sunday, until the cut-off at 00:30
    expect(cw.slice(8, 14)).toEqual([0, 2, 2, 1, 1, 0]);
    expect(zone(report, 'room-baccarat').heatmap[MON]?.[12]).toBe(1);
    expect(zone(report, 'room-baccarat').heatmap[MON]?.[11]).toBe(0);
    const hall = zone(report, 'hall').heatmap[MON] as number[];
    expect([hall[0], hall[9], hall[10], hall[12]]).toEqual([0, 2, 0, 1]);
    expect(zone(report, 'coworking').heatmap[TUE]?.every((x) => x === 0)).toBe(true);
  });

  it('ignores a passage outside any presence session', () => {
    expect(zone(report, 'office-1').heatmap.flat().every((x) => x === 0)).toBe(true);
    expect(zone(report, 'office-1').peak).toEqual({ people: 0, at: null });
  });

  it('finds the peak and the first instant it was reached', () => {
    expect(zone(report, 'coworking').peak).toEqual({ people: 2, at: jan(12, '09:40') });
    // 1 left the hall at 09:15 before 2 came in at 09:30: never two at once
    expect(zone(report, 'hall').peak).toEqual({ people: 1, at: jan(12, '09:10') });
    expect(zone(report, 'room-baccarat').peak).toEqual({ people: 1, at: jan(12, '12:00') });
  });

  it('averages over every occurrence of the hour in the period', () => {
    const twoWeeks = computeUtilisation({ ...week, to: jan(26, '00:00') });
    expect(twoWeeks.hours[MON]?.[9]).toBe(2);
    expect(zone(twoWeeks, 'coworking').heatmap[MON]?.slice(9, 12)).toEqual([1, 1, 0.5]);
  });

  it('labels the hours of a period that starts mid-hour, and leaves out hours it never reaches', () => {
    const morning = computeUtilisation({ ...week, from: jan(12, '09:30'), to: jan(12, '11:00') });
    expect(morning.hours[MON]?.slice(8, 12)).toEqual([0, 1, 1, 0]);
    expect(zone(morning, 'coworking').heatmap[MON]?.slice(8, 12)).toEqual([null, 2, 2, null]);
    expect(zone(morning, 'hall').heatmap[MON]?.[9]).toBe(1); // only 2 is in the hall after 09:30
    expect(zone(morning, 'coworking').peak).toEqual({ people: 2, at: jan(12, '09:40') });
  });
});

describe('utilisation report: desks', () => {
  it('gives the share of the opening hours each desk was occupied, an open stretch ending now', () => {
    const report = computeUtilisation(week);
    const openMs = (5 * 14 + 4) * H; // Monday–Friday 07:00–21:00, Saturday 09:00–13:00
    expect(report.desks).toEqual([
      { deskId: 'd1', zoneId: 'coworking', kind: 'hot', occupiedMs: 3.5 * H, openMs, utilisation: 0.0473 },
      { deskId: 'd2', zoneId: 'coworking', kind: 'fixed', occupiedMs: 1 * H, openMs, utilisation: 0.0135 },
    ]);
  });

  it('says null rather than dividing by a period without opening hours', () => {
    const sunday = computeUtilisation({ ...week, from: jan(11, '00:00'), to: jan(12, '00:00') });
    expect(sunday.desks[0]).toMatchObject({ occupiedMs: 0, openMs: 0, utilisation: null });
  });
});

describe('local hours across daylight-saving changes', () => {
  it('has no 02:00 on the spring-forward Sunday', () => {
    const from = Date.parse('2026-03-29T00:00:00+01:00');
    const to = Date.parse('2026-03-30T00:00:00+02:00');
    const hours = localHours(from, to, TZ);
    expect(hours).toHaveLength(23);
    expect(hours.map((h) => h.hour)).not.toContain(2);
    expect(hours.every((h) => h.weekday === SUN)).toBe(true);
    expect(computeUtilisation({ ...week, from, to, passages: [], sessions: [] }).zones[0]?.heatmap[SUN]?.[2]).toBeNull();
  });

  it('has two 02:00 hours on the fall-back Sunday, each an hour long', () => {
    const from = Date.parse('2026-10-25T00:00:00+02:00');
    const to = Date.parse('2026-10-26T00:00:00+01:00');
    const hours = localHours(from, to, TZ);
    expect(hours).toHaveLength(25);
    expect(hours.filter((h) => h.hour === 2).map((h) => h.end - h.start)).toEqual([H, H]);
    expect(computeUtilisation({ ...week, from, to, passages: [], sessions: [] }).hours[SUN]?.[2]).toBe(2);
  });

  it('writes an instant as the wall clock shows it, with its offset', () => {
    expect(localIso(jan(12, '09:40'), TZ)).toBe('2026-01-12T09:40:00+01:00');
    expect(localIso(Date.parse('2026-07-01T10:05:00Z'), TZ)).toBe('2026-07-01T12:05:00+02:00');
  });
});
