import { describe, expect, it } from 'vitest';
import { closedDay, easterSunday, frenchHolidays, isHoliday } from '../../controller/access/holidays.js';

describe('Easter (anonymous Gregorian computus)', () => {
  it.each([
    [1818, '1818-03-22'], // earliest possible date
    [1943, '1943-04-25'], // latest possible date
    [2008, '2008-03-23'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'], // the same Sunday as the spring clock change
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ] as const)('%i: %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('refuses years the computus does not cover', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2026.5)).toThrow(RangeError);
  });
});

describe('French public holidays', () => {
  it('lists 2026 in date order', () => {
    expect(frenchHolidays(2026)).toEqual([
      { date: '2026-01-01', name: "Jour de l'an" },
      { date: '2026-04-06', name: 'Lundi de Pâques' },
      { date: '2026-05-01', name: 'Fête du Travail' },
      { date: '2026-05-08', name: 'Victoire 1945' },
      { date: '2026-05-14', name: 'Ascension' },
      { date: '2026-05-25', name: 'Lundi de Pentecôte' },
      { date: '2026-07-14', name: 'Fête nationale' },
      { date: '2026-08-15', name: 'Assomption' },
      { date: '2026-11-01', name: 'Toussaint' },
      { date: '2026-11-11', name: 'Armistice 1918' },
      { date: '2026-12-25', name: 'Noël' },
    ]);
  });

  it('moves the Easter-based ones with Easter 2027 (28 March)', () => {
    const dates = frenchHolidays(2027).map((h) => h.date);
    expect(dates).toEqual([
      '2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17',
      '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25',
    ]);
  });

  it('keeps one entry when Ascension falls on 1 May (2008)', () => {
    const list = frenchHolidays(2008);
    expect(list).toHaveLength(10);
    expect(list.find((h) => h.date === '2008-05-01')).toEqual({ date: '2008-05-01', name: 'Fête du Travail / Ascension' });
    expect(list.find((h) => h.date === '2008-05-12')?.name).toBe('Lundi de Pentecôte');
  });

  it('hands out a fresh list each time', () => {
    frenchHolidays(2026).pop();
    expect(frenchHolidays(2026)).toHaveLength(11);
  });

  it.each([
    ['2026-04-05', false], // Easter Sunday itself is no public holiday
    ['2026-04-06', true],
    ['2026-05-14', true],
    ['2026-05-25', true],
    ['2026-07-13', false],
    ['2026-07-14', true],
    ['2026-12-26', false], // only in Alsace-Moselle
    ['2027-03-28', false],
    ['2027-03-29', true],
  ] as const)('isHoliday(%s) is %s', (date, expected) => {
    expect(isHoliday(date)).toBe(expected);
  });

  it('refuses a malformed date rather than calling it an ordinary day', () => {
    expect(() => isHoliday('2026-7-14')).toThrow(RangeError);
  });
});

describe('closedDay', () => {
  const closures = [
    { date: '2026-08-14', name: "Pont de l'Assomption" },
    { date: '2026-07-14', name: 'Fermeture estivale' },
  ];

  it('names a holiday, a closure, or nothing', () => {
    expect(closedDay('2026-05-14', closures)).toEqual({ date: '2026-05-14', name: 'Ascension' });
    expect(closedDay('2026-08-14', closures)).toEqual({ date: '2026-08-14', name: "Pont de l'Assomption" });
    expect(closedDay('2026-08-13', closures)).toBeUndefined();
    expect(closedDay('2026-08-14', [])).toBeUndefined();
  });

  it('gives the holiday when a closure falls on it', () => {
    expect(closedDay('2026-07-14', closures)).toEqual({ date: '2026-07-14', name: 'Fête nationale' });
  });
});
