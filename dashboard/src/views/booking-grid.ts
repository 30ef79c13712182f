import { t, tn } from '../i18n/index.js';
import { freeGaps, type BookableResource, type BookingDay, type BusySlot, type DayResource, type Interval } from '../lib/bookings.js';
import { h, type Child } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';
import { hhmm, zonedDate, zonedEpoch, zonedMinutes } from '../lib/zoned.js';

/**
 * The day's grid: one row per resource (rooms, then desks), time across, from the earliest
 * opening to the latest closing of the day. Closed hours are shaded, each free stretch still to
 * come is a button (book it), each busy one a button (see it, move it, cancel it). Positions are
 * percentages of the day, so the grid scales; on a phone it scrolls sideways inside its card.
 */

export interface GridInput {
  date: string;
  timeZone: string;
  now: number;
  /** Sorted: rooms first. */
  resources: readonly BookableResource[];
  day: BookingDay;
}

export interface GridHandlers {
  /** A free stretch was chosen; `at` is the time under the pointer (its start from the keyboard). */
  onFree(resource: BookableResource, gap: Interval, at: number): void;
  onBusy(resource: BookableResource, slot: BusySlot): void;
}

const HOUR = 3_600_000;

/** The span the grid draws: whole hours around every opening of the day. */
export function gridSpan(day: BookingDay, date: string, timeZone: string): Interval | null {
  const opens = day.resources.flatMap((r) => r.open);
  if (opens.length === 0) return null;
  const first = Math.min(...opens.map((o) => o.start));
  const last = Math.max(...opens.map((o) => o.end));
  const startMin = Math.floor(zonedMinutes(first, timeZone) / 60) * 60;
  const lastMin = zonedMinutes(last, timeZone);
  // A closing at midnight reads 00:00 on the next day: the end of this one.
  const endMin = zonedDate(last, timeZone) !== date ? 24 * 60 : Math.min(24 * 60, Math.ceil(lastMin / 60) * 60);
  const start = zonedEpoch(date, startMin, timeZone);
  const end = zonedEpoch(date, Math.max(endMin, startMin + 60), timeZone);
  return { start, end };
}

/** What a busy slot says: who and what when the answer tells, else booked / blocked. */
export function busyLabel(s: BusySlot): string {
  const what = s.kind === 'block' ? t('bookings.blocked') : s.status === 'released' ? t('bookings.released') : null;
  const who = s.kind === 'block' ? null : s.holder ?? null;
  const parts = [what, who, s.title ?? null].filter((p): p is string => p !== null && p !== '');
  return parts.length === 0 ? t('bookings.reserved') : parts.join(' · ');
}

export function bookingGrid(input: GridInput, handlers: GridHandlers): HTMLElement {
  const { day, timeZone, now } = input;
  const span = gridSpan(day, input.date, timeZone);
  const byId = new Map(day.resources.map((r) => [r.resourceId, r]));
  const shown = input.resources.filter((r) => byId.has(r.id));
  if (shown.length === 0) return h('p', { class: 'none', id: 'bookings-empty' }, t('bookings.noResources'));
  if (span === null) return h('p', { class: 'none', id: 'bookings-closed' }, t('bookings.closed'));

  const length = span.end - span.start;
  const pct = (ms: number): number => Math.max(0, Math.min(100, ((ms - span.start) / length) * 100));
  const place = (from: number, to: number): string => `left: ${pct(from).toFixed(3)}%; width: ${Math.max(0.2, pct(to) - pct(from)).toFixed(3)}%`;
  const time = (ms: number): string => formatTime(ms, timeZone, false);
  const hours = Math.round(length / HOUR);

  const axis = h('div', { class: 'bk-row bk-axis', 'aria-hidden': 'true' },
    h('span', { class: 'bk-name' }),
    h('div', { class: 'bk-track' }, ...Array.from({ length: hours + 1 }, (_, i) => {
      const at = span.start + i * HOUR;
      return h('span', { class: 'bk-hour', style: `left: ${pct(at).toFixed(3)}%` }, hhmm(zonedMinutes(at, timeZone)).slice(0, 2));
    })));

  const row = (r: BookableResource, d: DayResource): HTMLElement => {
    const pieces: Child[] = [];
    // Closed: what the opening hours leave out of the span.
    for (const gap of freeGaps([span], d.open)) pieces.push(h('span', { class: 'bk-closed', style: place(gap.start, gap.end) }));
    for (const gap of d.free ?? freeGaps(d.open, d.busy)) {
      if (gap.end <= now) {
        pieces.push(h('span', { class: 'bk-past', style: place(gap.start, gap.end) }));
        continue;
      }
      const from = Math.max(gap.start, now);
      if (from > gap.start) pieces.push(h('span', { class: 'bk-past', style: place(gap.start, from) }));
      const label = t('bookings.slot', { resource: r.name, from: time(from), to: time(gap.end), what: t('bookings.legendFree') });
      if (!r.mayBook) {
        pieces.push(h('span', { class: 'bk-free', 'data-start': from, 'data-end': gap.end, style: place(from, gap.end), title: label }));
        continue;
      }
      const future = { start: from, end: gap.end };
      pieces.push(h('button', {
        type: 'button', class: 'bk-free', 'data-start': from, 'data-end': gap.end, style: place(from, gap.end),
        title: t('bookings.free', { from: time(from), to: time(gap.end) }), 'aria-label': label,
        onclick: (e: Event) => {
          const ev = e as MouseEvent;
          const el = ev.currentTarget as HTMLElement;
          const width = el.getBoundingClientRect().width;
          const at = ev.detail === 0 || width <= 0 ? from : from + (gap.end - from) * Math.min(1, Math.max(0, ev.offsetX / width));
          handlers.onFree(r, future, at);
        },
      }));
    }
    for (const s of d.busy) {
      const text = busyLabel(s);
      pieces.push(h('button', {
        type: 'button', class: 'bk-busy', style: place(s.start, s.end),
        'data-booking': s.bookingId === undefined ? null : String(s.bookingId), 'data-kind': s.kind, 'data-status': s.status,
        'data-mine': s.mine === true ? 'true' : null, 'data-start': s.start, 'data-end': s.end,
        title: `${time(s.start)}–${time(s.end)} ${text}`,
        'aria-label': t('bookings.slot', { resource: r.name, from: time(s.start), to: time(s.end), what: text }),
        onclick: () => handlers.onBusy(r, s),
      }, h('span', { class: 'bk-label' }, text)));
    }
    if (now >= span.start && now < span.end) pieces.push(h('span', { class: 'bk-now', style: `left: ${pct(now).toFixed(3)}%`, 'aria-hidden': 'true' }));
    return h('div', { class: 'bk-row', 'data-resource': r.id, 'data-kind': r.kind, role: 'group', 'aria-label': r.name },
      h('span', { class: 'bk-name' }, h('strong', {}, r.name), r.seats === null ? null : h('small', {}, ` ${tn('public.seats', r.seats)}`)),
      h('div', { class: 'bk-track' }, ...pieces));
  };

  const groups: Array<['room' | 'desk', 'bookings.rooms' | 'bookings.desks']> = [['room', 'bookings.rooms'], ['desk', 'bookings.desks']];
  return h('div', { class: 'bk-scroll' },
    h('div', { class: 'bk-grid', id: 'booking-grid', style: `--bk-hours: ${hours}`, 'aria-label': t('bookings.gridLabel', { date: input.date }) },
      axis,
      ...groups.flatMap(([kind, title]) => {
        const rows = shown.filter((r) => r.kind === kind);
        if (rows.length === 0) return [];
        return [h('h3', { class: 'bk-group', 'data-group': kind }, t(title)), ...rows.map((r) => row(r, byId.get(r.id) as DayResource))];
      })));
}

/** The legend under the grid. */
export function gridLegend(): HTMLElement {
  const item = (cls: string, key: Parameters<typeof t>[0]) => h('li', {}, h('span', { class: `bk-swatch ${cls}`, 'aria-hidden': 'true' }), t(key));
  return h('ul', { class: 'legend bk-legend' },
    item('bk-free', 'bookings.legendFree'), item('bk-busy', 'bookings.legendBusy'), item('bk-busy mine', 'bookings.legendMine'),
    item('bk-busy block', 'bookings.legendBlock'), item('bk-busy released', 'bookings.legendReleased'), item('bk-closed', 'bookings.legendClosed'));
}
