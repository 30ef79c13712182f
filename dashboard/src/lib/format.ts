import { locale } from '../i18n/index.js';

/** Times are shown in the building's time zone, whatever the browser's. */
export function formatTime(ms: number, timeZone: string, seconds = true): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone, hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}),
  }).format(ms);
}

export function formatDateTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(ms);
}

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];

/** 12 300 000 → "12,3 Mbit/s" (decimal prefixes, as network gear counts). */
export function formatBits(bitsPerS: number): string {
  let value = bitsPerS;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BIT_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${formatNumber(value, value < 10 && unit > 0 ? 1 : 0)} ${BIT_UNITS[unit]}`;
}

/** Hour, minute and second of `ms` in `timeZone`. */
function wallClock(ms: number, timeZone: string): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Midnight of the day of `ms` in `timeZone` (off by the DST hour on the two change days, which a daily curve can bear). */
export function startOfDay(ms: number, timeZone: string): number {
  const { hour, minute, second } = wallClock(ms, timeZone);
  return ms - ms % 1000 - ((hour * 60 + minute) * 60 + second) * 1000;
}

/** The day of `ms` in `timeZone`, as YYYY-MM-DD. */
export function dayKey(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
