import type { StaffState } from '../../../controller/live/messages.js';
import { t, tn } from '../i18n/index.js';
import { api } from '../lib/api.js';
import type { Building } from '../lib/building.js';
import { h, setText } from '../lib/dom.js';
import { dayKey, formatNumber, formatTime, startOfDay } from '../lib/format.js';
import { totalOccupancy } from '../lib/live-state.js';
import { lineChart, redrawOnResize, type Point } from './chart.js';

export const occupancyDefaults = {
  sampleEveryMs: 60_000, // 1 minute between samples of the live total
  historyStepMs: 300_000, // 5 minutes between the points rebuilt from today's sessions
  storageKey: 'mf-occupancy', // today's samples survive a reload
};
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface SessionRow { startedAt: number; endedAt: number | null }

/**
 * Today's occupancy curve: the first paint rebuilds the day from the presence sessions
 * (people in the building every 5 minutes since midnight), then the page samples the live total
 * (the sum of the zones without a parent) every minute.
 */
export class OccupancyCurve {
  readonly el = h('section', { class: 'card occupancy', id: 'occupancy', 'aria-labelledby': 'occupancy-title' });
  readonly #now = h('p', { class: 'big', id: 'occupancy-now' }, '–');
  readonly #chart = h('div', { class: 'chart-box' });
  readonly #children: ReadonlySet<string>;
  #history: Point[] = [];
  #samples: Point[] = [];
  #state: StaffState | null = null;
  #current: number | null = null;
  #timer: number | undefined;

  constructor(private readonly building: Building) {
    this.#children = new Set(building.zones.filter((z) => z.parent !== undefined).map((z) => z.id));
    this.#samples = this.#restore();
    redrawOnResize(this.#chart, () => this.#draw());
    this.render();
  }

  render(): void {
    this.el.replaceChildren(h('h2', { id: 'occupancy-title' }, t('occupancy.title')), this.#now, this.#chart);
    this.#draw();
  }

  /** Starts sampling every minute; the first sample is taken with the first state. */
  start(): void {
    window.clearInterval(this.#timer);
    this.#timer = window.setInterval(() => this.#sample(), occupancyDefaults.sampleEveryMs);
  }

  stop(): void {
    window.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  update(state: StaffState): void {
    const first = this.#state === null;
    this.#state = state;
    const total = totalOccupancy(state, this.#children);
    const changed = total !== this.#current;
    this.#current = total;
    setText(this.#now, tn('occupancy.now', total, { n: formatNumber(total) }));
    if (first) this.#sample();
    else if (changed) this.#draw(); // the curve ends at the count now
  }

  /** The day so far, from the presence sessions that overlap it. */
  async loadHistory(): Promise<void> {
    const now = Date.now();
    const from = startOfDay(now, this.building.site.timeZone);
    const sessions = await api.get<SessionRow[]>(`/api/presence/sessions?from=${from}&limit=1000`);
    const points: Point[] = [];
    for (let at = from; at <= now; at += occupancyDefaults.historyStepMs) {
      points.push({ t: at, v: sessions.filter((s) => s.startedAt <= at && (s.endedAt === null || s.endedAt > at)).length });
    }
    this.#history = points;
    this.#draw();
  }

  #sample(): void {
    if (this.#state === null) return;
    const now = Date.now();
    const today = dayKey(now, this.building.site.timeZone);
    if (this.#samples.length > 0 && dayKey(this.#samples[0]?.t ?? now, this.building.site.timeZone) !== today) this.#samples = [];
    this.#samples.push({ t: now, v: totalOccupancy(this.#state, this.#children) });
    this.#save();
    this.#draw();
  }

  #draw(): void {
    const tz = this.building.site.timeZone;
    const from = startOfDay(Date.now(), tz);
    // Live samples win; the rebuilt history fills the times the page was not open.
    const step = occupancyDefaults.historyStepMs;
    const points = [...this.#history.filter((p) => !this.#samples.some((s) => Math.abs(s.t - p.t) < step)), ...this.#samples];
    if (this.#current !== null) points.push({ t: Date.now(), v: this.#current });
    if (points.length === 0) {
      this.#chart.replaceChildren(h('p', { class: 'none' }, t('chart.noData')));
      return;
    }
    this.#chart.replaceChildren(lineChart(points, {
      from, to: from + DAY_MS, ticks: Array.from({ length: 9 }, (_, i) => from + i * 3 * HOUR_MS),
      tickLabel: (at) => formatTime(at, tz, false), valueLabel: (v) => formatNumber(v), minTop: 5,
      title: t('occupancy.chartTitle'), step: true, width: this.#chart.clientWidth || undefined,
    }));
  }

  #restore(): Point[] {
    try {
      const saved = JSON.parse(localStorage.getItem(occupancyDefaults.storageKey) ?? 'null') as { site: string; day: string; points: Point[] } | null;
      if (saved?.site !== this.building.site.id || saved.day !== dayKey(Date.now(), this.building.site.timeZone)) return [];
      return saved.points.filter((p) => typeof p.t === 'number' && typeof p.v === 'number');
    } catch {
      return [];
    }
  }

  #save(): void {
    try {
      const day = dayKey(Date.now(), this.building.site.timeZone);
      localStorage.setItem(occupancyDefaults.storageKey, JSON.stringify({ site: this.building.site.id, day, points: this.#samples }));
    } catch {
      // storage full or refused: the curve lives as long as the page
    }
  }
}
