import type { StoredInvoice } from '../ledger/model.js';
import { formatDate, formatDecimalCents, formatQuantity, formatRate } from './format.js';

/**
 * The accountant's export: one row per line of every document given (issue order), for French
 * accounting software: `;` separator, decimal comma without thousands separator, UTF-8 with a BOM
 * (so that Excel reads the accents), CRLF line ends, RFC 4180 quoting (a field with `;`, `"` or a
 * line break is quoted, its quotes doubled). Text that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab) gets a leading apostrophe. Credit notes have negative amounts.
 */
export const CSV_COLUMNS = [
  'Numéro', 'Type', 'Date', 'Client', 'Compte', 'Code', 'Description', 'Quantité', 'Unité',
  'Prix unitaire HT', 'Montant HT', 'Taux TVA', 'TVA', 'Montant TTC', 'Facture rectifiée', 'Spécimen',
] as const;

const BOM = '\uFEFF';

function field(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A text from people (names, descriptions): never a formula once in a spreadsheet. */
function text(value: string): string {
  return field(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

export function renderCsv(docs: readonly StoredInvoice[]): string {
  const rows: string[] = [CSV_COLUMNS.join(';')];
  for (const inv of docs) {
    for (const l of inv.lines) {
      rows.push([
        field(inv.number),
        inv.docType === 'invoice' ? 'Facture' : 'Avoir',
        formatDate(inv.issueDate),
        text(inv.buyer.name),
        `${inv.account.kind}:${inv.account.id}`,
        text(l.code),
        text(l.description),
        formatQuantity(l.quantityMilli),
        l.unit,
        formatDecimalCents(l.unitPriceCents, { group: false }),
        formatDecimalCents(l.amountCents, { group: false }),
        formatRate(l.vatRateBp).replace('\u00A0', ' '),
        formatDecimalCents(l.vatCents, { group: false }),
        formatDecimalCents(l.amountCents + l.vatCents, { group: false }),
        inv.credited?.number ?? '',
        inv.specimen ? 'oui' : 'non',
      ].join(';'));
    }
  }
  return `${BOM}${rows.join('\r\n')}\r\n`;
}
