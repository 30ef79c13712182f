/** Integer-cent arithmetic and the French labels printed on invoice lines. */

/** round(n / d) half away from zero, for integers n and d > 0, exactly (no float division). */
export function divRound(n: number, d: number): number {
  const q = Math.floor(Math.abs(n) / d);
  const r = Math.abs(n) - q * d;
  const rounded = 2 * r >= d ? q + 1 : q;
  return n < 0 ? -rounded : rounded;
}

/** days / daysInMonth to 3 decimals, half away from zero: the quantity of a prorated month. */
export function monthFraction(days: number, daysInMonth: number): number {
  return divRound(days * 1000, daysInMonth) / 1000;
}

/**
 * A monthly fee prorated by local days: round(q × fee) with q = days / daysInMonth rounded to
 * 3 decimals, so that the line keeps the contract amount = round(quantity × unit price) that the
 * ledger checks (billing/lines.ts). It differs from round(fee × days / daysInMonth) by at most
 * 0.0005 × fee (42 cents on an 850 € office); a whole month is exactly the fee.
 */
export function prorate(feeCents: number, days: number, daysInMonth: number): number {
  return divRound(divRound(days * 1000, daysInMonth) * feeCents, 1000);
}

/** 4.5 → '4,5'; 12 → '12'; 0.125 → '0,125' (at most 3 decimals, French decimal comma). */
export function frNumber(x: number): string {
  return String(Math.round(x * 1000) / 1000).replace('.', ',');
}

const NBSP = '\u00a0'; // no-break space: in every PDF standard font (WinAnsi), unlike U+202F

/** 25500 → '255,00 €'; 123456 → '1 234,56 €' (no-break spaces). */
export function frEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const c = abs % 100;
  return `${sign}${euros},${c < 10 ? '0' : ''}${c}${NBSP}€`;
}

export const FR_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'] as const;

/** { 2026, 3 } → 'mars 2026' */
export function frMonth(year: number, month: number): string {
  return `${FR_MONTHS[month - 1] ?? '?'} ${year}`;
}

/** A day of the month as French writes it: '1er', '2'… */
export const frDay = (d: number): string => (d === 1 ? '1er' : String(d));

/** Plural 's' for a count. */
export const s = (n: number): string => (n >= 2 ? 's' : '');
