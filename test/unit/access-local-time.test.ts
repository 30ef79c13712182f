import { describe, expect, it } from 'vitest';
import { addDays, formatHhMm, localParts, localToEpoch, parseHhMm } from '../../controller/access/local-time.js';

// Every expected value below is worked out by hand: Paris is UTC+1 (CET) in winter and UTC+2
// (CEST) in summer; clocks go forward at 01:00Z on the last Sunday of March (02:00 → 03:00
// local) and back at 01:00Z on the last Sunday of October (03:00 → 02:00 local).
const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);

describe('parseHhMm', () => {
  it.each([['00:00', 0], ['08:30', 510], ['23:59', 1439], ['24:00', 1440]] as const)('%s is %i minutes', (hhmm, minutes) => {
    expect(parseHhMm(hhmm)).toBe(minutes);
    expect(formatHhMm(minutes)).toBe(hhmm); // and back
  });

  it.each(['8:30', '24:01', '25:00', '12:60', '', '12:3', '12h30', ' 08:30'])('refuses %j', (bad) => {
    expect(() => parseHhMm(bad)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-29', 0, '2026-03-29'],
    ['2026-01-31', 365, '2027-01-31'],
  ] as const)('%s + %i days is %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it('refuses impossible dates and fractional days', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-13-01', 1)).toThrow(RangeError);
    expect(() => addDays('26-01-01', 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('localParts', () => {
  it.each([
    ['2026-01-15T11:00:00Z', PARIS, '2026-01-15', 'thu', 720], // winter noon
    ['2026-07-14T10:00:00Z', PARIS, '2026-07-14', 'tue', 720], // summer noon
    ['2026-03-29T00:59:59.999Z', PARIS, '2026-03-29', 'sun', 119], // 01:59 CET, the last minute before the jump
    ['2026-03-29T01:00:00Z', PARIS, '2026-03-29', 'sun', 180], // 03:00 CEST
    ['2026-10-25T00:59:59Z', PARIS, '2026-10-25', 'sun', 179], // 02:59 CEST
    ['2026-10-25T01:00:00Z', PARIS, '2026-10-25', 'sun', 120], // 02:00 CET, again
    ['2026-10-25T00:30:00Z', PARIS, '2026-10-25', 'sun', 150], // 02:30, first time
    ['2026-10-25T01:30:00Z', PARIS, '2026-10-25', 'sun', 150], // 02:30, second time
    ['2027-03-28T00:59:00Z', PARIS, '2027-03-28', 'sun', 119],
    ['2027-03-28T01:00:00Z', PARIS, '2027-03-28', 'sun', 180],
    ['2027-10-31T00:30:00Z', PARIS, '2027-10-31', 'sun', 150],
    ['2027-10-31T01:30:00Z', PARIS, '2027-10-31', 'sun', 150],
    ['2026-12-31T22:59:59Z', PARIS, '2026-12-31', 'thu', 1439],
    ['2026-12-31T23:00:00Z', PARIS, '2027-01-01', 'fri', 0],
    ['2026-01-01T00:00:00Z', 'Asia/Kathmandu', '2026-01-01', 'thu', 345], // UTC+05:45
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08', 'sun', 119], // 01:59 EST
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08', 'sun', 180], // 03:00 EDT
    ['2011-12-30T09:59:59Z', 'Pacific/Apia', '2011-12-29', 'thu', 1439], // UTC−10, then Samoa skipped 30 Dec
    ['2011-12-30T10:00:00Z', 'Pacific/Apia', '2011-12-31', 'sat', 0], // UTC+14
    ['1969-12-31T23:00:00Z', 'UTC', '1969-12-31', 'wed', 1380], // before the epoch
  ] as const)('%s in %s is %s (%s) minute %i', (iso, tz, date, weekday, minutes) => {
    expect(localParts(at(iso), tz)).toEqual({ date, weekday, minutes });
  });

  it('refuses an unknown time zone', () => {
    expect(() => localParts(0, 'Europe/Menil-Flin')).toThrow(RangeError);
  });

  it('costs well under 5 µs a call once warm (logged, not asserted: timing depends on the machine)', () => {
    const year = 365 * 86_400_000;
    const start = at('2026-01-01T00:00:00Z');
    const run = (n: number) => {
      let sum = 0;
      // Instants spread over the year (37 000 s apart, modulo a year): many days, both DST changes.
      for (let i = 0; i < n; i++) sum += localParts(start + ((i * 37_000_000) % year), PARIS).minutes;
      return sum;
    };
    run(50_000); // warm-up: JIT and the per-day offset cache
    const n = 500_000;
    const t0 = performance.now();
    const sum = run(n);
    const usPerCall = ((performance.now() - t0) * 1000) / n;
    console.log(`localParts: ${usPerCall.toFixed(3)} µs per call over ${n} calls`);
    expect(sum).toBeGreaterThan(0);
  });
});

describe('localToEpoch', () => {
  it.each([
    ['2026-01-15', 720, PARIS, '2026-01-15T11:00:00Z'],
    ['2026-07-14', 720, PARIS, '2026-07-14T10:00:00Z'],
    ['2026-03-28', 1440, PARIS, '2026-03-28T23:00:00Z'], // 24:00 is the next midnight
    // Spring forward: 02:00–02:59 do not exist; they give the instant the clocks jump to (03:00 CEST).
    ['2026-03-29', 119, PARIS, '2026-03-29T00:59:00Z'],
    ['2026-03-29', 120, PARIS, '2026-03-29T01:00:00Z'],
    ['2026-03-29', 150, PARIS, '2026-03-29T01:00:00Z'],
    ['2026-03-29', 179, PARIS, '2026-03-29T01:00:00Z'],
    ['2026-03-29', 180, PARIS, '2026-03-29T01:00:00Z'],
    ['2027-03-28', 150, PARIS, '2027-03-28T01:00:00Z'],
    // Autumn back: 02:00–02:59 happen twice; the first occurrence (CEST) is returned.
    ['2026-10-25', 119, PARIS, '2026-10-24T23:59:00Z'],
    ['2026-10-25', 120, PARIS, '2026-10-25T00:00:00Z'],
    ['2026-10-25', 150, PARIS, '2026-10-25T00:30:00Z'],
    ['2026-10-25', 180, PARIS, '2026-10-25T02:00:00Z'],
    ['2027-10-31', 150, PARIS, '2027-10-31T00:30:00Z'],
    ['2026-03-08', 150, 'America/New_York', '2026-03-08T07:00:00Z'],
    ['2026-11-01', 90, 'America/New_York', '2026-11-01T05:30:00Z'], // 01:30 EDT, the first of two
    ['2026-01-01', 345, 'Asia/Kathmandu', '2026-01-01T00:00:00Z'],
    ['2011-12-30', 600, 'Pacific/Apia', '2011-12-30T10:00:00Z'], // a skipped day: 31 Dec 00:00 local
  ] as const)('%s minute %i in %s is %s', (date, minutes, tz, iso) => {
    expect(localToEpoch(date, minutes, tz)).toBe(at(iso));
  });

  it('refuses a malformed date', () => {
    expect(() => localToEpoch('2026-02-29', 0, PARIS)).toThrow(RangeError);
  });
});
