import { localParts, offsetSpans, utcOffset } from '../access/local-time.js';
import type { Interval, WeeklySlot } from '../access/model.js';
import { intersect, slotIntervals, union } from '../access/schedule.js';
import { OUTSIDE } from '../building/schema.js';
import { groupBy } from '../group-by.js';

/**
 * The utilisation report, as a pure function of what the database holds over a period.
 *
 * Method:
 * - Where each person was comes from their passages: from a passage on, they are in its `to`
 *   zone until their next passage. Presence sessions bound it: outside their sessions they are
 *   nowhere, so the nightly cut-off and a manager's correction end a stay that no exit badge
 *   ended. A session's time before its first passage (a correction that moved its start earlier)
 *   is in no zone. A person in a zone also counts in its parents (a meeting room's people are in
 *   the coworking), as the live zone counts do.
 * - Heatmap: a zone's occupancy during one local hour is the number of distinct people whose
 *   stays touch that hour. A cell (weekday × hour, Monday first, in the building's time zone) is
 *   the average of that number over every such hour of the period: the sum divided by
 *   `hours[weekday][hour]`, the number of times that hour occurs (a DST autumn day has two 02:00
 *   hours, a spring day none). null when the period holds no such hour.
 * - Peak: the most people in the zone at one instant, and the first instant it happened.
 * - Desks: the share of the opening hours of the period during which the desk's sensor said
 *   occupied (desk_occupancy stretches, an open one ending now, clipped to the period).
 */

export const REPORT_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HOUR_MS = 3_600_000; // 1 h

export const utilisationDefaults = {
  /** The centre's opening hours for desk utilisation: the coworking's hours of the seeded rules. */
  openingHours: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:00', to: '21:00' },
    { days: ['sat'], from: '09:00', to: '13:00' },
  ] as WeeklySlot[],
  maxPeriodMs: 400 * 86_400_000, // 400 days: a year and a bit per report
};

export interface UtilisationInput {
  /** The period [from, to); the caller stops it at now (the future holds no data). */
  from: number;
  to: number;
  /** An open presence session or desk stretch ends here. */
  now: number;
  timeZone: string;
  openingHours: readonly WeeklySlot[];
  zones: ReadonlyArray<{ id: string; capacity: number; parent?: string | undefined }>;
  desks: ReadonlyArray<{ id: string; zone: string; kind: string }>;
  /** Passages of known people in the period, plus each person's last one before it; any order. */
  passages: ReadonlyArray<{ personId: number; toZone: string; at: number }>;
  sessions: ReadonlyArray<{ personId: number; startedAt: number; endedAt: number | null }>;
  deskOccupancy: ReadonlyArray<{ deskId: string; startedAt: number; endedAt: number | null }>;
}

export interface ZoneUtilisation {
  zoneId: string;
  capacity: number;
  /** [weekday Monday first][hour 0–23]: average distinct people, 3 decimals; null if the hour never occurs. */
  heatmap: Array<Array<number | null>>;
  peak: { people: number; at: number | null };
}

export interface DeskUtilisation {
  deskId: string;
  zoneId: string;
  kind: string;
  occupiedMs: number;
  openMs: number;
  /** occupiedMs / openMs, 4 decimals; null when the period holds no opening hour. */
  utilisation: number | null;
}

export interface UtilisationReport {
  from: number;
  to: number;
  timeZone: string;
  /** [weekday][hour]: how many times that local hour occurs in the period. */
  hours: number[][];
  zones: ZoneUtilisation[];
  desks: DeskUtilisation[];
}

export interface LocalHour { start: number; end: number; weekday: number; hour: number }

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const grid = <T>(fill: () => T): T[][] => REPORT_WEEKDAYS.map(() => Array.from({ length: 24 }, fill));
const add = (cells: number[][], weekday: number, hour: number, n: number): void => {
  const row = cells[weekday] as number[]; // weekday 0–6, hour 0–23: always in the grid
  row[hour] = (row[hour] ?? 0) + n;
};

/** The local hours covering [from, to), in order; the first and last may be partial. DST-correct. */
export function localHours(from: number, to: number, timeZone: string): LocalHour[] {
  const starts = [from];
  for (const span of offsetSpans(from, to, timeZone)) {
    // Local hour boundaries are the instants t with (t + offset) a whole hour.
    const first = Math.ceil((span.from + span.offset) / HOUR_MS) * HOUR_MS - span.offset;
    for (let t = first; t < span.to; t += HOUR_MS) if (t > from) starts.push(t);
  }
  starts.sort((a, b) => a - b);
  return starts.map((start, i) => {
    const local = localParts(start, timeZone);
    return {
      start, end: starts[i + 1] ?? to,
      weekday: REPORT_WEEKDAYS.indexOf(local.weekday), hour: Math.floor(local.minutes / 60),
    };
  });
}

/** The index of the hour containing `at` (binary search; `at` within the period). */
function hourIndex(hours: readonly LocalHour[], at: number): number {
  let lo = 0;
  let hi = hours.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((hours[mid] as LocalHour).start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const totalMs = (list: readonly Interval[]): number => list.reduce((n, [a, b]) => n + (b - a), 0);

/** Each person's stays per zone (parents included), bounded by their sessions and the period. */
function stays(input: UtilisationInput, ancestry: (zoneId: string) => string[]): Array<Map<string, Interval[]>> {
  const { from, to, now } = input;
  const sessions = groupBy(input.sessions, (s) => s.personId);
  const out: Array<Map<string, Interval[]>> = [];
  for (const [personId, passages] of groupBy(input.passages, (p) => p.personId)) {
    const present = intersect(
      union((sessions.get(personId) ?? []).map((s): Interval => [s.startedAt, s.endedAt ?? now])), [[from, to]],
    );
    if (present.length === 0) continue;
    const sorted = [...passages].sort((a, b) => a.at - b.at); // stable: same-instant passages keep their order
    const raw = new Map<string, Interval[]>();
    sorted.forEach((p, i) => {
      if (p.toZone === OUTSIDE) return;
      const stay: Interval = [p.at, Math.min(sorted[i + 1]?.at ?? to, to)];
      for (const zone of ancestry(p.toZone)) raw.set(zone, [...(raw.get(zone) ?? []), stay]);
    });
    const person = new Map<string, Interval[]>();
    for (const [zone, list] of raw) {
      const bounded = intersect(union(list), present);
      if (bounded.length > 0) person.set(zone, bounded);
    }
    out.push(person);
  }
  return out;
}

/** The most people at once in a set of stays, and the first instant it happened. */
function peakOf(intervals: readonly Interval[]): { people: number; at: number | null } {
  const events: Array<[number, number]> = [];
  for (const [a, b] of intervals) events.push([a, 1], [b, -1]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]); // at one instant, leaving before arriving
  let now = 0;
  let peak = { people: 0, at: null as number | null };
  for (const [at, delta] of events) {
    now += delta;
    if (now > peak.people) peak = { people: now, at };
  }
  return peak;
}

export function computeUtilisation(input: UtilisationInput): UtilisationReport {
  const { from, to, now, timeZone } = input;
  const parents = new Map(input.zones.flatMap((z) => (z.parent === undefined ? [] : [[z.id, z.parent] as const])));
  const ancestry = (zoneId: string): string[] => {
    const out = [zoneId];
    for (let z = parents.get(zoneId); z !== undefined && !out.includes(z); z = parents.get(z)) out.push(z);
    return out;
  };
  const hours = from < to ? localHours(from, to, timeZone) : [];
  const occurrences = grid(() => 0);
  for (const h of hours) add(occurrences, h.weekday, h.hour, 1);

  const people = stays(input, ancestry);
  const zones = input.zones.map((zone): ZoneUtilisation => {
    const counts = new Array<number>(hours.length).fill(0);
    const all: Interval[] = [];
    for (const person of people) {
      let last = -1; // an hour this person already counts in: their stays are sorted and disjoint
      for (const [a, b] of person.get(zone.id) ?? []) {
        all.push([a, b]);
        for (let i = Math.max(hourIndex(hours, a), last + 1); i < hours.length && (hours[i] as LocalHour).start < b; i++) {
          counts[i] = (counts[i] ?? 0) + 1;
          last = i;
        }
      }
    }
    const sums = grid(() => 0);
    hours.forEach((h, i) => add(sums, h.weekday, h.hour, counts[i] ?? 0));
    const heatmap = sums.map((row, w) => row.map((sum, h) => {
      const n = occurrences[w]?.[h] ?? 0;
      return n === 0 ? null : round(sum / n, 3);
    }));
    return { zoneId: zone.id, capacity: zone.capacity, heatmap, peak: peakOf(all) };
  });

  const open = from < to ? slotIntervals(input.openingHours, from, to, timeZone) : [];
  const openMs = totalMs(open);
  const stretches = groupBy(input.deskOccupancy, (o) => o.deskId);
  const desks = input.desks.map((desk): DeskUtilisation => {
    const occupied = union((stretches.get(desk.id) ?? []).map((o): Interval => [o.startedAt, o.endedAt ?? now]));
    const occupiedMs = totalMs(intersect(occupied, open));
    return { deskId: desk.id, zoneId: desk.zone, kind: desk.kind, occupiedMs, openMs, utilisation: openMs === 0 ? null : round(occupiedMs / openMs, 4) };
  });

  return { from, to, timeZone, hours: occurrences, zones, desks };
}

/** An instant as the building's wall clock shows it, with its offset: 2026-01-12T09:40:00+01:00. */
export function localIso(at: number, timeZone: string): string {
  const offset = utcOffset(at, timeZone);
  const abs = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${new Date(at + offset).toISOString().slice(0, 19)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
