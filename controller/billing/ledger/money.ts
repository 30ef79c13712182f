import type { Evidence, InvoiceLineInput, LineUnit } from '../lines.js';
import { LedgerError, type StoredLine, type Totals, type VatBreakdownEntry } from './model.js';

/**
 * Integer arithmetic for amounts: cents, thousandths of a quantity, basis points of a rate.
 * Nothing here goes through a float that could drift: products are exact integers (checked to stay
 * below 2^53) and divided once, rounding half away from zero (0.5 → 1, −0.5 → −1), the rule of
 * billing/lines.ts and of the French administration's examples.
 *
 * VAT is computed per line: vat = round(amount × rate / 10 000). The VAT of a rate on the invoice is
 * the sum of its lines' VAT, so the lines, the breakdown and the total always add up on paper.
 * EN 16931 (BR-CO-17) describes the rate's VAT as round(base × rate); the two may differ by a few
 * cents on long invoices, which its validators accept (tolerance of one currency unit).
 */

/** n / d rounded half away from zero; d > 0. */
export function divRound(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0) throw new RangeError(`divRound(${n}, ${d})`);
  const a = Math.abs(n);
  const q = Math.floor(a / d);
  const r = a - q * d;
  const v = 2 * r >= d ? q + 1 : q;
  return n < 0 && v !== 0 ? -v : v; // never -0
}

/** VAT of an amount excluding VAT, in cents; rate in basis points (2000 = 20 %). */
export function vatOf(amountCents: number, rateBp: number): number {
  return divRound(amountCents * rateBp, 10_000);
}

/** 1.5 → 1500; more than 3 decimals is refused. */
export function toMilli(quantity: number): number {
  const m = Math.round(quantity * 1000);
  if (!Number.isFinite(quantity) || Math.abs(quantity * 1000 - m) > 1e-6 || !Number.isSafeInteger(m)) {
    throw new RangeError(`quantity ${quantity} has more than 3 decimals`);
  }
  return m === 0 ? 0 : m;
}

/** 1500 → "1.500" (always 3 decimals, '.' separator). */
export function milliToDecimal(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const a = Math.abs(milli);
  return `${sign}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const UNITS: ReadonlySet<string> = new Set<LineUnit>(['day', 'hour', 'month', 'GB', 'card', 'unit']);
const EVIDENCE_KINDS: ReadonlySet<string> = new Set<Evidence['kind']>(['presence_session', 'booking', 'net_hourly', 'net_daily', 'subscription']);

/**
 * Checks one line of the rating contract and turns it into a stored line (position, VAT).
 * `sign` = -1 for a credit note: what is credited is given as on the invoice and stored negated.
 */
export function toStoredLine(input: InvoiceLineInput, position: number, sign: 1 | -1 = 1): StoredLine {
  const where = `line ${position} (${input.code})`;
  const fail = (why: string): never => {
    throw new LedgerError('invalid_line', `${where}: ${why}`);
  };
  if (typeof input.code !== 'string' || input.code === '') fail('code is empty');
  if (typeof input.description !== 'string' || input.description.trim() === '') fail('description is empty');
  if (input.personId !== null && !isInt(input.personId)) fail('personId must be an integer or null');
  if (!isInt(input.unitPriceCents)) fail('unitPriceCents must be an integer number of cents');
  if (!isInt(input.amountCents)) fail('amountCents must be an integer number of cents');
  if (!UNITS.has(input.unit)) fail(`unit "${input.unit}" is not one of ${[...UNITS].join(', ')}`);
  if (!isInt(input.vatRateBp) || input.vatRateBp < 0 || input.vatRateBp > 10_000) fail('vatRateBp must be an integer from 0 to 10000');
  let milli = 0;
  try {
    milli = toMilli(input.quantity);
  } catch (err) {
    fail((err as Error).message);
  }
  const expected = divRound(milli * input.unitPriceCents, 1000);
  if (expected !== input.amountCents) {
    fail(`amountCents ${input.amountCents} is not round(quantity ${input.quantity} × unitPriceCents ${input.unitPriceCents}) = ${expected}`);
  }
  if (!Array.isArray(input.evidence) || !input.evidence.every((e) => EVIDENCE_KINDS.has(e.kind) && isInt(e.id))) {
    fail('evidence must be an array of { kind, id } usage records');
  }
  const amount = sign * input.amountCents;
  return {
    position,
    code: input.code,
    description: input.description,
    personId: input.personId,
    quantityMilli: sign * milli || 0,
    unit: input.unit,
    unitPriceCents: input.unitPriceCents,
    amountCents: amount || 0,
    vatRateBp: input.vatRateBp,
    vatCents: vatOf(amount, input.vatRateBp),
    evidence: input.evidence.map((e) => ({ kind: e.kind, id: e.id })),
  };
}

/** Totals and the breakdown per VAT rate (highest rate first), from the lines. */
export function totalsOf(lines: readonly StoredLine[]): { totals: Totals; vatBreakdown: VatBreakdownEntry[] } {
  const byRate = new Map<number, VatBreakdownEntry>();
  let ht = 0;
  let vat = 0;
  for (const l of lines) {
    ht += l.amountCents;
    vat += l.vatCents;
    const e = byRate.get(l.vatRateBp) ?? { rateBp: l.vatRateBp, baseCents: 0, vatCents: 0 };
    e.baseCents += l.amountCents;
    e.vatCents += l.vatCents;
    byRate.set(l.vatRateBp, e);
  }
  const vatBreakdown = [...byRate.values()].sort((a, b) => b.rateBp - a.rateBp);
  return { totals: { htCents: ht, vatCents: vat, ttcCents: ht + vat }, vatBreakdown };
}
