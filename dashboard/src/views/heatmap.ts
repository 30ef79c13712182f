import { t, tOr } from '../i18n/index.js';
import { svg } from '../lib/dom.js';
import { formatNumber, formatPercent } from '../lib/format.js';

const LABEL_W = 30; // viewBox units
const CELL_W = 12;
const CELL_H = 14;
const HEAD_H = 12;

/**
 * A weekday × hour heatmap in plain SVG: rows Monday to Sunday, columns 0 h to 23 h, each cell
 * shaded by its average occupancy relative to the zone's busiest hour (its tooltip gives the value
 * and the share of the capacity); an hour the period never held is hatched.
 */
export function heatmap(grid: ReadonlyArray<ReadonlyArray<number | null>>, weekdays: readonly string[], capacity: number, title: string): SVGSVGElement {
  const max = Math.max(1e-9, ...grid.flat().map((v) => v ?? 0));
  const width = LABEL_W + 24 * CELL_W;
  const height = HEAD_H + weekdays.length * CELL_H;
  const cells = grid.flatMap((row, w) => row.map((value, hour) => {
    const x = LABEL_W + hour * CELL_W;
    const y = HEAD_H + w * CELL_H;
    const day = tOr(`wd.${weekdays[w] ?? ''}`, weekdays[w] ?? '');
    if (value === null) {
      return svg('rect', { class: 'cell na', x, y, width: CELL_W - 1, height: CELL_H - 1 }, svg('title', {}, `${day} ${hour} h: ${t('report.noHour')}`));
    }
    const ratio = value / max;
    const share = capacity > 0 ? ` (${formatPercent(value / capacity)})` : '';
    return svg('rect', {
      class: 'cell', x, y, width: CELL_W - 1, height: CELL_H - 1, 'data-value': value,
      style: `fill: hsl(212 75% ${(96 - ratio * 58).toFixed(1)}%)`,
    }, svg('title', {}, `${day} ${hour} h: ${t('report.people', { n: formatNumber(value, 1) })}${share}`));
  }));
  const hours = Array.from({ length: 8 }, (_, i) => i * 3).map((hour) =>
    svg('text', { class: 'axis', x: LABEL_W + hour * CELL_W + CELL_W / 2, y: HEAD_H - 3, 'text-anchor': 'middle' }, `${hour}`));
  const days = weekdays.map((wd, w) =>
    svg('text', { class: 'axis', x: LABEL_W - 4, y: HEAD_H + w * CELL_H + CELL_H - 4, 'text-anchor': 'end' }, tOr(`wd.${wd}`, wd)));
  return svg('svg', { class: 'heatmap', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title },
    svg('title', {}, title), ...hours, ...days, ...cells);
}
