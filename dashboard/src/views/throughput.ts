import type { StaffState } from '../../../controller/live/messages.js';
import { t } from '../i18n/index.js';
import { uplinkMeterId, type Building } from '../lib/building.js';
import { h, setText } from '../lib/dom.js';
import { formatBits, formatTime } from '../lib/format.js';
import { lineChart, redrawOnResize, type Point } from './chart.js';

export const throughputDefaults = {
  windowMs: 3_600_000, // the chart shows the last hour
  tickMs: 900_000, // a label every 15 minutes
};

/** The building uplink's throughput, live: one point per reading the stream carries for the uplink meter. */
export class ThroughputChart {
  readonly el = h('section', { class: 'card throughput', id: 'throughput', 'aria-labelledby': 'throughput-title' });
  readonly #now = h('p', { class: 'big', id: 'throughput-now' }, '–');
  readonly #chart = h('div', { class: 'chart-box', id: 'throughput-chart' });
  readonly #meter: string | undefined;
  #points: Point[] = [];

  constructor(private readonly building: Building) {
    this.#meter = uplinkMeterId(building);
    redrawOnResize(this.#chart, () => this.#draw());
    this.render();
  }

  render(): void {
    this.el.replaceChildren(h('h2', { id: 'throughput-title' }, t('throughput.title')), this.#now, this.#chart);
    this.#draw();
  }

  update(state: StaffState): void {
    const reading = this.#meter === undefined ? undefined : state.meters[this.#meter];
    if (reading === undefined) return;
    const last = this.#points.at(-1);
    if (last !== undefined && last.t === reading.at) return;
    this.#points.push({ t: reading.at, v: reading.bitsPerS });
    const since = reading.at - throughputDefaults.windowMs;
    while ((this.#points[0]?.t ?? since) < since) this.#points.shift();
    this.#draw();
  }

  #draw(): void {
    const last = this.#points.at(-1);
    if (last === undefined) {
      setText(this.#now, '–');
      this.#chart.replaceChildren(h('p', { class: 'none', 'data-empty': '' }, t('throughput.noData', { meter: this.#meter ?? '?' })));
      return;
    }
    const tz = this.building.site.timeZone;
    setText(this.#now, formatBits(last.v));
    const to = Math.max(Date.now(), last.t);
    const from = to - throughputDefaults.windowMs;
    const first = Math.ceil(from / throughputDefaults.tickMs) * throughputDefaults.tickMs;
    this.#chart.replaceChildren(lineChart(this.#points, {
      from, to, ticks: Array.from({ length: 5 }, (_, i) => first + i * throughputDefaults.tickMs),
      tickLabel: (at) => formatTime(at, tz, false), valueLabel: (v) => formatBits(v), minTop: 1000,
      title: t('throughput.chartTitle'), width: this.#chart.clientWidth || undefined,
    }));
  }
}
