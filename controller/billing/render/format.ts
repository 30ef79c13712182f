import type { LineUnit } from '../lines.js';
import type { Buyer, Seller, StoredInvoice } from '../ledger/model.js';
import { SPECIMEN_TEXT } from '../ledger/seller.js';

/**
 * French formatting shared by the printable outputs (HTML, PDF, CSV). Written by hand rather than
 * with Intl: Intl's fr-FR groups thousands with U+202F, which PDF standard fonts cannot print, and
 * the output must not change with the ICU version.
 */

const NBSP = '\u00A0';

/** 123456 → "1 234,56" (no-break space between thousands); `group: false` → "1234,56". */
export function formatDecimalCents(cents: number, opts: { group?: boolean } = {}): string {
  const sign = cents < 0 ? '-' : '';
  const a = Math.abs(cents);
  const units = String(Math.floor(a / 100));
  const grouped = opts.group === false ? units : units.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${sign}${grouped},${String(a % 100).padStart(2, '0')}`;
}

/** 123456 → "1 234,56 €" */
export const formatMoney = (cents: number): string => `${formatDecimalCents(cents)}${NBSP}€`;

/** 1500 → "1,5"; 2000 → "2"; -250 → "-0,25" */
export function formatQuantity(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const a = Math.abs(milli);
  const frac = String(a % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${sign}${Math.floor(a / 1000)}${frac === '' ? '' : `,${frac}`}`;
}

/** 2000 → "20 %"; 550 → "5,5 %" */
export function formatRate(bp: number): string {
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${Math.floor(bp / 100)}${frac === '' ? '' : `,${frac}`}${NBSP}%`;
}

/** "2026-03-31" → "31/03/2026" */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** First and last day of a 'YYYY-MM' period. */
export function periodBounds(period: string): { start: string; end: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

const UNITS: Record<LineUnit, [string, string]> = {
  day: ['jour', 'jours'], hour: ['heure', 'heures'], month: ['mois', 'mois'], GB: ['Go', 'Go'], card: ['carte', 'cartes'], unit: ['unité', 'unités'],
};
export function unitLabel(unit: LineUnit, milli: number): string {
  const forms = UNITS[unit] ?? [unit, unit];
  return Math.abs(milli) >= 2000 ? forms[1] : forms[0];
}

export const docTitle = (inv: StoredInvoice): string => (inv.docType === 'invoice' ? 'Facture' : 'Avoir');

const spaced = (id: string, groups: number[]): string => {
  const out: string[] = [];
  let i = 0;
  for (const g of groups) {
    out.push(id.slice(i, i + g));
    i += g;
  }
  if (i < id.length) out.push(id.slice(i));
  return out.filter((p) => p !== '').join(' ');
};
export const formatSiren = (s: string): string => spaced(s, [3, 3, 3]);
export const formatSiret = (s: string): string => spaced(s, [3, 3, 3, 5]);
export const formatIban = (s: string): string => s.replace(/(.{4})/g, '$1 ').trim();

const place = (a: { postcode: string | null; city: string | null }): string => [a.postcode, a.city].filter((v) => v !== null).join(' ');

/** The seller's block: name, legal form, address, identifiers (lines of plain text). */
export function sellerLines(s: Seller): string[] {
  const out = [s.name];
  if (s.legalForm !== null) out.push(s.legalForm);
  out.push(...s.address.lines);
  if (place(s.address) !== '') out.push(place(s.address));
  if (s.address.country !== 'FR') out.push(s.address.country);
  const ids = [s.siren === null ? null : `SIREN ${formatSiren(s.siren)}`, s.siret === null ? null : `SIRET ${formatSiret(s.siret)}`].filter((v) => v !== null);
  if (ids.length > 0) out.push(ids.join(' — '));
  if (s.vatNumber !== null) out.push(`N° TVA intracommunautaire : ${s.vatNumber}`);
  if (s.email !== null) out.push(s.email);
  return out;
}

export function buyerLines(b: Buyer): string[] {
  const out = [b.name, ...b.address.lines];
  if (place(b.address) !== '') out.push(place(b.address));
  if (b.address.country !== 'FR') out.push(b.address.country);
  if (b.siret !== null) out.push(`SIRET ${formatSiret(b.siret)}`);
  else if (b.siren !== null) out.push(`SIREN ${formatSiren(b.siren)}`);
  if (b.vatNumber !== null) out.push(`N° TVA intracommunautaire : ${b.vatNumber}`);
  return out;
}

/** Dates block: label → value, in print order. */
export function dateRows(inv: StoredInvoice): Array<[string, string]> {
  const rows: Array<[string, string]> = [[`Date d'émission`, formatDate(inv.issueDate)]];
  if (inv.period !== null) {
    const { start, end } = periodBounds(inv.period);
    rows.push(['Période de la prestation', `du ${formatDate(start)} au ${formatDate(end)}`]);
  } else {
    rows.push(['Date de la prestation', formatDate(inv.issueDate)]);
  }
  if (inv.dueDate !== null) rows.push([`Date d'échéance`, formatDate(inv.dueDate)]);
  if (inv.credited !== null) rows.push(['Facture rectifiée', `n° ${inv.credited.number} du ${formatDate(inv.credited.issueDate)}`]);
  return rows;
}

/** The legal mentions printed under the totals (Code de commerce L441-9, L441-10, D441-5; CGI art. 242 nonies A). */
export function legalMentions(inv: StoredInvoice): string[] {
  const out: string[] = [];
  if (inv.specimen) out.push(`${SPECIMEN_TEXT} : l'identité du vendeur n'est pas encore configurée.`);
  if (inv.docType === 'credit_note' && inv.credited !== null) {
    out.push(`Avoir se rapportant à la facture n° ${inv.credited.number} du ${formatDate(inv.credited.issueDate)}. Motif : ${inv.reason ?? ''}`);
  }
  out.push('Opération : prestations de services.');
  if (inv.terms !== null && inv.dueDate !== null) {
    out.push(`Conditions de paiement : à ${inv.terms.dueDays} jours, au plus tard le ${formatDate(inv.dueDate)}.`);
    out.push(inv.terms.earlyPaymentDiscount);
    out.push(inv.terms.latePenalty);
    if (inv.terms.recoveryIndemnityCents !== null) {
      out.push(`Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : ${formatMoney(inv.terms.recoveryIndemnityCents)} (articles L441-10 et D441-5 du Code de commerce).`);
    }
    if (inv.seller.iban !== null) {
      out.push(`Règlement par virement : IBAN ${formatIban(inv.seller.iban)}${inv.seller.bic === null ? '' : ` — BIC ${inv.seller.bic}`}, en rappelant le n° ${inv.number}.`);
    }
  }
  return out;
}

/** What is due (or, on a credit note, refunded), for the last line of the totals. */
export const payableLabel = (inv: StoredInvoice): string => (inv.docType === 'invoice' ? 'Net à payer' : 'Montant de l’avoir');
