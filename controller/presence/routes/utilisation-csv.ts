import { localIso, REPORT_WEEKDAYS, type UtilisationReport } from '../utilisation.js';

const HOUR_MS = 3_600_000; // 1 h

export const CSV_COLUMNS = [
  'section', 'zone', 'weekday', 'hour', 'hours_in_period', 'average_occupancy', 'capacity',
  'peak_occupancy', 'peak_at', 'desk', 'desk_kind', 'occupied_hours', 'opening_hours', 'utilisation',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

const hours = (ms: number): number => Math.round((ms / HOUR_MS) * 1000) / 1000;

/**
 * The report as one CSV table for a spreadsheet: a `heatmap` row per zone × weekday × hour, a
 * `peak` row per zone, a `desk` row per desk; cells that do not apply to a row are empty. Every
 * value is an id, a number or a time, so no cell needs quoting.
 */
export function utilisationCsv(report: UtilisationReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  const row = (cells: Partial<Record<Column, string | number | null>>) => {
    lines.push(CSV_COLUMNS.map((c) => String(cells[c] ?? '')).join(','));
  };
  for (const zone of report.zones) {
    zone.heatmap.forEach((byHour, w) => byHour.forEach((average, hour) => row({
      section: 'heatmap', zone: zone.zoneId, weekday: REPORT_WEEKDAYS[w], hour,
      hours_in_period: report.hours[w]?.[hour] ?? 0, average_occupancy: average, capacity: zone.capacity,
    })));
    row({
      section: 'peak', zone: zone.zoneId, capacity: zone.capacity, peak_occupancy: zone.peak.people,
      peak_at: zone.peak.at === null ? null : localIso(zone.peak.at, report.timeZone),
    });
  }
  for (const desk of report.desks) {
    row({
      section: 'desk', zone: desk.zoneId, desk: desk.deskId, desk_kind: desk.kind,
      occupied_hours: hours(desk.occupiedMs), opening_hours: hours(desk.openMs), utilisation: desk.utilisation,
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
