/**
 * The days the centre is closed: French public holidays (computed, never stored) and the
 * centre's own closures (stored, passed in). Dates are local 'YYYY-MM-DD'.
 *
 * The list is the eleven holidays of metropolitan France under current law (Code du travail,
 * L3133-1). Alsace-Moselle's Good Friday and 26 December are not included: Meurthe-et-Moselle is
 * not part of Alsace-Moselle. Whit Monday is listed although many employers make it the "journée de solidarité"
 * and work it; the centre treats it as a holiday, as the brief says.
 */
import { addDays, dateToDay, daysFromCivil, dayToDate } from './local-time.js';
import type { Closure } from './model.js';

export interface ClosedDay { date: string; name: string }

/** Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  checkYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayToDate(daysFromCivil(year, month, day));
}

function checkYear(year: number): void {
  // The Gregorian computus means nothing before 1583; four-digit years keep dates 'YYYY-MM-DD'.
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`year out of range: ${year}`);
}

/** Holidays by year, date → name: computed once per year, since isHoliday is asked on each badge. */
const byYear = new Map<number, Map<string, string>>();

function yearMap(year: number): Map<string, string> {
  let map = byYear.get(year);
  if (map !== undefined) return map;
  const easter = easterSunday(year);
  const y = String(year).padStart(4, '0');
  const list: Array<[string, string]> = [
    [`${y}-01-01`, "Jour de l'an"],
    [addDays(easter, 1), 'Lundi de Pâques'],
    [`${y}-05-01`, 'Fête du Travail'],
    [`${y}-05-08`, 'Victoire 1945'],
    [addDays(easter, 39), 'Ascension'],
    [addDays(easter, 50), 'Lundi de Pentecôte'],
    [`${y}-07-14`, 'Fête nationale'],
    [`${y}-08-15`, 'Assomption'],
    [`${y}-11-01`, 'Toussaint'],
    [`${y}-11-11`, 'Armistice 1918'],
    [`${y}-12-25`, 'Noël'],
  ];
  // Ascension can fall on 1 or 8 May (it did in 2008): one entry per date, both names kept.
  list.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
  map = new Map();
  for (const [date, name] of list) {
    const other = map.get(date);
    map.set(date, other === undefined ? name : `${other} / ${name}`);
  }
  byYear.set(year, map);
  return map;
}

/** The public holidays of a year, in date order (a fresh array: callers may keep or change it). */
export function frenchHolidays(year: number): ClosedDay[] {
  return [...yearMap(year)].map(([date, name]) => ({ date, name }));
}

/** The holiday's name on that local date, or undefined. A RangeError on a malformed date. */
export function holidayName(date: string): string | undefined {
  dateToDay(date); // validates: a typo must not silently read as "not a holiday"
  return yearMap(Number(date.slice(0, 4))).get(date);
}

export function isHoliday(date: string): boolean {
  return holidayName(date) !== undefined;
}

/**
 * Why the centre is closed on that date, or undefined if it is open. A public holiday wins over a
 * closure on the same date (its name is the one people know).
 */
export function closedDay(date: string, closures: readonly Closure[]): ClosedDay | undefined {
  const holiday = holidayName(date);
  if (holiday !== undefined) return { date, name: holiday };
  const closure = closures.find((c) => c.date === date);
  return closure === undefined ? undefined : { date, name: closure.name };
}
