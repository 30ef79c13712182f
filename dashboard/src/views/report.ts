import { t, tOr } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import type { Building } from '../lib/building.js';
import { fill, h } from '../lib/dom.js';
import { formatDateTime, formatNumber, formatPercent } from '../lib/format.js';
import { heatmap } from './heatmap.js';

/** GET /api/reports/utilisation, the fields the page reads. */
export interface UtilisationReport {
  from: number;
  to: number;
  timeZone: string;
  weekdays: string[];
  zones: Array<{ zoneId: string; name: string; capacity: number; heatmap: Array<Array<number | null>>; peak: { people: number; at: number | null } }>;
  desks: Array<{ deskId: string; zoneId: string; kind: string; occupiedMs: number; openMs: number; utilisation: number | null }>;
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 7; // the report opens on the last week

function dateInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A date input's local midnight. */
function midnight(value: string): number {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

/** The utilisation report: a period, a zone's weekday × hour heatmap, every zone's peak, desk utilisation, and the CSV export of the same report. */
export class ReportView {
  readonly el = h('section', { class: 'report', id: 'report', 'aria-labelledby': 'report-title' });
  readonly #from = h('input', { type: 'date', id: 'report-from', required: true });
  readonly #to = h('input', { type: 'date', id: 'report-to', required: true });
  readonly #zone = h('select', { id: 'report-zone' });
  readonly #csv = h('a', { id: 'export-csv', class: 'button', download: '' });
  readonly #body = h('div', { class: 'report-body', 'aria-live': 'polite' });
  #report: UtilisationReport | null = null;
  #zoneId = 'coworking';
  #loaded = false;

  constructor(private readonly building: Building) {
    const today = Date.now();
    this.#from.value = dateInput(today - (DEFAULT_DAYS - 1) * DAY_MS);
    this.#to.value = dateInput(today);
    this.#from.addEventListener('change', () => this.#link());
    this.#to.addEventListener('change', () => this.#link());
    this.#zone.addEventListener('change', () => {
      this.#zoneId = this.#zone.value;
      this.#draw();
    });
    this.render();
  }

  render(): void {
    const form = h('form', { class: 'report-form', onsubmit: (e: Event) => { e.preventDefault(); void this.load(); } },
      h('label', {}, t('report.from'), this.#from),
      h('label', {}, t('report.to'), this.#to),
      h('button', { type: 'submit' }, t('report.show')),
      this.#csv);
    this.#csv.textContent = t('report.csv');
    this.el.replaceChildren(h('div', { class: 'card' }, h('h2', { id: 'report-title' }, t('report.title')), form), this.#body);
    this.#link();
    this.#draw();
  }

  /** Loads the report the first time the view is shown. */
  showFirstTime(): void {
    if (!this.#loaded) void this.load();
  }

  #period(): { from: number; to: number } {
    const from = midnight(this.#from.value);
    const to = midnight(this.#to.value) + DAY_MS;
    return { from, to: Math.max(to, from + DAY_MS) };
  }

  #link(): void {
    const { from, to } = this.#period();
    this.#csv.href = `/api/reports/utilisation?from=${from}&to=${to}&format=csv`;
  }

  async load(): Promise<void> {
    this.#loaded = true;
    const { from, to } = this.#period();
    fill(this.#body, h('p', { class: 'card none' }, t('report.loading')));
    try {
      this.#report = await api.get<UtilisationReport>(`/api/reports/utilisation?from=${from}&to=${to}`);
      this.#draw();
    } catch (err) {
      this.#report = null;
      fill(this.#body, h('p', { class: 'card error', role: 'alert' }, t('report.failed', { message: err instanceof ApiError ? err.message : String(err) })));
    }
  }

  #draw(): void {
    const r = this.#report;
    if (r === null) return;
    if (!r.zones.some((z) => z.zoneId === this.#zoneId)) this.#zoneId = r.zones[0]?.zoneId ?? '';
    fill(this.#zone, ...r.zones.map((z) => h('option', { value: z.zoneId, selected: z.zoneId === this.#zoneId }, z.name)));
    const zone = r.zones.find((z) => z.zoneId === this.#zoneId);
    fill(this.#body,
      h('div', { class: 'card' },
        h('h3', {}, t('report.heatmap')),
        h('label', { class: 'zone-pick' }, t('report.zone'), this.#zone),
        zone === undefined ? null : heatmap(zone.heatmap, r.weekdays, zone.capacity, t('report.heatmapOf', { zone: zone.name })),
        h('p', { class: 'hint' }, t('report.heatmapHint'))),
      h('div', { class: 'card' }, h('h3', {}, t('report.peaks')), this.#peaks(r)),
      h('div', { class: 'card' }, h('h3', {}, t('report.desks')), this.#desks(r)));
  }

  #peaks(r: UtilisationReport): HTMLElement {
    return h('div', { class: 'table-wrap' }, h('table', { id: 'peaks' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('report.zoneCol')), h('th', { scope: 'col' }, t('report.peakCol')), h('th', { scope: 'col' }, t('report.whenCol')))),
      h('tbody', {}, ...r.zones.map((z) => h('tr', { 'data-zone': z.zoneId },
        h('th', { scope: 'row' }, z.name),
        h('td', { class: 'num' }, `${z.peak.people} / ${z.capacity}`),
        h('td', {}, z.peak.at === null ? '–' : formatDateTime(z.peak.at, r.timeZone)))))));
  }

  #desks(r: UtilisationReport): HTMLElement {
    if (r.desks.length === 0) return h('p', { class: 'none' }, t('report.noDesks'));
    const zoneNames = new Map(this.building.zones.map((z) => [z.id, z.name]));
    const desks = [...r.desks].sort((a, b) => (b.utilisation ?? -1) - (a.utilisation ?? -1) || a.deskId.localeCompare(b.deskId));
    return h('div', { class: 'table-wrap' }, h('table', { id: 'desk-utilisation' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('report.deskCol')), h('th', { scope: 'col' }, t('report.zoneCol')),
        h('th', { scope: 'col' }, t('report.utilCol')), h('th', { scope: 'col' }, t('report.hoursCol')))),
      h('tbody', {}, ...desks.map((d) => h('tr', { 'data-desk': d.deskId },
        h('th', { scope: 'row' }, d.deskId, ' ', h('small', {}, tOr(`deskKind.${d.kind}`, d.kind))),
        h('td', {}, zoneNames.get(d.zoneId) ?? d.zoneId),
        h('td', { class: 'num' }, d.utilisation === null ? '–' : h('span', { class: 'util' },
          h('span', { class: 'util-bar', style: `width: ${Math.round(d.utilisation * 100)}%`, 'aria-hidden': 'true' }),
          formatPercent(d.utilisation))),
        h('td', { class: 'num' }, formatNumber(d.occupiedMs / 3_600_000, 1)))))));
  }
}
