import { svg } from '../lib/dom.js';

export interface Point { t: number; v: number }

export interface ChartOptions {
  /** The time axis, ms. */
  from: number;
  to: number;
  ticks: number[];
  tickLabel(t: number): string;
  valueLabel(v: number): string;
  /** The value axis reaches at least this. */
  minTop: number;
  title: string;
  /** Draw steps (a count holds until the next sample) rather than slopes. */
  step?: boolean;
  /** The box's width in CSS pixels: the viewBox is as wide, so the text keeps its size on a phone and on a wall screen. */
  width?: number;
}

const H = 170; // px
const M = { left: 56, right: 12, top: 10, bottom: 22 };
const MIN_W = 240; // px: narrower, the axis labels would collide
const MIN_TICK_GAP = 44; // px between two time labels

/** 0.83 → 1, 7 → 10, 23 → 25, 1234 → 1500: a round top for the value axis. */
export function niceTop(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** A line chart in plain SVG, scaled to its container's width. */
export function lineChart(points: Point[], o: ChartOptions): SVGSVGElement {
  const W = Math.max(MIN_W, Math.round(o.width ?? 360));
  const top = niceTop(Math.max(o.minTop, ...points.map((p) => p.v)));
  const span = Math.max(1, o.to - o.from);
  const x = (t: number) => M.left + ((t - o.from) / span) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);
  const fmt = (n: number) => n.toFixed(1);

  const grid = [0, top / 2, top].flatMap((v) => [
    svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: fmt(y(v)), y2: fmt(y(v)) }),
    svg('text', { class: 'axis', x: M.left - 4, y: fmt(y(v) + 4), 'text-anchor': 'end' }, o.valueLabel(v)),
  ]);
  const inRange = o.ticks.filter((t) => t >= o.from && t <= o.to);
  // Every k-th label, so that they stay MIN_TICK_GAP apart on a narrow screen.
  const gap = inRange.length < 2 ? Infinity : x(inRange[1] ?? 0) - x(inRange[0] ?? 0);
  const every = Math.max(1, Math.ceil(MIN_TICK_GAP / gap));
  const ticks = inRange.filter((_, i) => i % every === 0).map((t) =>
    svg('text', { class: 'axis', x: fmt(x(t)), y: H - 6, 'text-anchor': 'middle' }, o.tickLabel(t)));

  const shown = points.filter((p) => p.t >= o.from && p.t <= o.to).sort((a, b) => a.t - b.t);
  const segs: string[] = [];
  shown.forEach((p, i) => {
    const prev = shown[i - 1];
    if (prev === undefined) segs.push(`M${fmt(x(p.t))},${fmt(y(p.v))}`);
    else if (o.step === true) segs.push(`H${fmt(x(p.t))}V${fmt(y(p.v))}`);
    else segs.push(`L${fmt(x(p.t))},${fmt(y(p.v))}`);
  });
  const line = segs.join('');
  const first = shown[0];
  const last = shown.at(-1);
  const area = first === undefined || last === undefined ? '' : `${line}V${fmt(y(0))}H${fmt(x(first.t))}Z`;

  return svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': o.title },
    svg('title', {}, o.title),
    ...grid,
    ...ticks,
    area === '' ? null : svg('path', { class: 'area', d: area }),
    line === '' ? null : svg('path', { class: 'line', d: line }),
    last === undefined ? null : svg('circle', { class: 'dot', cx: fmt(x(last.t)), cy: fmt(y(last.v)), r: 2.5 }));
}

/** Calls `draw` again whenever `box` changes width (a rotated phone, a hidden view shown again). */
export function redrawOnResize(box: HTMLElement, draw: () => void): void {
  let width = box.clientWidth;
  new ResizeObserver(() => {
    if (box.clientWidth === width || box.clientWidth === 0) return;
    width = box.clientWidth;
    draw();
  }).observe(box);
}
