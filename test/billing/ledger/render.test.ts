import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import type { StoredInvoice } from '../../../controller/billing/ledger/index.js';
import { CSV_COLUMNS, renderCsv } from '../../../controller/billing/render/csv.js';
import { InvoiceDtoSchema, toInvoiceDto } from '../../../controller/billing/render/dto.js';
import { escapeHtml, renderHtml } from '../../../controller/billing/render/html.js';
import { renderPdf } from '../../../controller/billing/render/pdf.js';
import { business, consumer, line, openFixture, unsetSeller, type Fixture } from './helpers.js';
import { pdfStreams, pdfText, pdfTextRuns } from './pdf-text.js';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

/** An invoice for the company (business buyer), one for a member, and a credit note. */
function threeDocs(f: Fixture): [StoredInvoice, StoredInvoice, StoredInvoice] {
  const company = f.ledger.issue({
    account: { kind: 'company', id: f.company }, period: '2026-03', buyer: business(),
    lines: [
      line({ code: 'plan:fixed-desk', description: 'Poste fixe; mars "complet"', personId: f.people.bob, quantity: 1, unit: 'month', unitPriceCents: 123_456, amountCents: 123_456 }),
      line({ code: 'room-hours', description: 'Salle Baccarat\nréunion', personId: f.people.bob, quantity: 1.25, unit: 'hour', unitPriceCents: 2500, amountCents: 3125, vatRateBp: 550 }),
    ],
  });
  const member = f.ledger.issue({ account: { kind: 'person', id: f.people.alice }, period: '2026-03', buyer: consumer('=HYPERLINK("http://evil")'), lines: [line({ quantity: 3, amountCents: 4500 })] });
  const credit = f.ledger.creditNote(company.id, [line({ code: 'plan:fixed-desk', description: 'Poste fixe; mars "complet"', quantity: 0.5, unit: 'month', unitPriceCents: 123_456, amountCents: 61_728 })], 'Départ au 15 mars');
  return [company, member, credit];
}

/** RFC 4180 reader for the test: `;` separator, quotes doubled. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('JSON DTO', () => {
  it('answers cents as integers and quantities as 3-decimal strings, and matches its schema', () => {
    fx = openFixture();
    const [company, , credit] = threeDocs(fx);
    const dto = toInvoiceDto(company);
    expect(Value.Check(InvoiceDtoSchema, dto)).toBe(true);
    expect(dto.lines.map((l) => l.quantity)).toEqual(['1.000', '1.250']);
    expect(dto.totals).toEqual({ htCents: 126_581, vatCents: 24_691 + 172, ttcCents: 126_581 + 24_863 });
    expect(JSON.parse(JSON.stringify(dto))).toEqual(dto);
    const c = toInvoiceDto(credit);
    expect(Value.Check(InvoiceDtoSchema, c)).toBe(true);
    expect(c).toMatchObject({ type: 'credit_note', credited: { number: company.number }, lines: [{ quantity: '-0.500', amountCents: -61_728 }] });
  });
});

describe('CSV export for the accountant', () => {
  it('has one row per line, `;`, decimal comma, a BOM, quoting, and no formula', () => {
    fx = openFixture();
    const [company, member, credit] = threeDocs(fx);
    const csv = renderCsv(fx.ledger.between('2026-04-01', '2026-04-30'));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + 2 + 1 + 1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const [fixed, room, day, cn] = rows.slice(1) as [string[], string[], string[], string[]];
    expect(fixed[col('Numéro')]).toBe(company.number);
    expect(fixed[col('Date')]).toBe('01/04/2026');
    expect(fixed[col('Client')]).toBe('Atelier Vezouze SARL');
    expect(fixed[col('Description')]).toBe('Poste fixe; mars "complet"');
    expect([fixed[col('Quantité')], fixed[col('Prix unitaire HT')], fixed[col('Montant HT')], fixed[col('Taux TVA')], fixed[col('TVA')], fixed[col('Montant TTC')]])
      .toEqual(['1', '1234,56', '1234,56', '20 %', '246,91', '1481,47']);
    expect(room[col('Description')]).toBe('Salle Baccarat\nréunion');
    expect([room[col('Quantité')], room[col('Montant HT')], room[col('Taux TVA')], room[col('TVA')]]).toEqual(['1,25', '31,25', '5,5 %', '1,72']);
    expect(day[col('Numéro')]).toBe(member.number);
    expect(day[col('Client')]).toBe(`'=HYPERLINK("http://evil")`);
    expect(cn[col('Type')]).toBe('Avoir');
    expect(cn[col('Facture rectifiée')]).toBe(company.number);
    expect([cn[col('Quantité')], cn[col('Montant HT')], cn[col('TVA')], cn[col('Montant TTC')]]).toEqual(['-0,5', '-617,28', '-123,46', '-740,74']);
    expect(credit.totals.ttcCents).toBe(-74_074);
    // Amounts parse back to the stored cents.
    const cents = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);
    expect(rows.slice(1).reduce((sum, r) => sum + cents(r[col('Montant TTC')]!), 0))
      .toBe(company.totals.ttcCents + member.totals.ttcCents + credit.totals.ttcCents);
    expect(renderCsv(fx.ledger.between('2026-05-01', '2026-05-31'))).toBe(`\uFEFF${CSV_COLUMNS.join(';')}\r\n`);
  });
});

describe('printable HTML', () => {
  it('carries every legal mention, the €40 indemnity for a business buyer only, and escapes every text', () => {
    fx = openFixture();
    const [company, member, credit] = threeDocs(fx);
    const html = renderHtml(company);
    for (const mention of [
      'Facture n° 2026-000001', 'SPL Ménil-Flin Innovation', 'Ancien petit séminaire, 1 rue du Château', '54120 Ménil-Flin',
      'SIREN 123 456 782', 'SIRET 123 456 782 00010', 'N° TVA intracommunautaire : FR11123456782', 'Atelier Vezouze SARL', 'SIRET 552 100 554 00013',
      'Date d&#39;émission', '01/04/2026', 'du 01/03/2026 au 31/03/2026', 'Date d&#39;échéance', '01/05/2026',
      'TVA 20\u00A0%', 'TVA 5,5\u00A0%', '1\u00A0234,56\u00A0€', 'Total HT', 'Total TTC', '1\u00A0514,44\u00A0€',
      'trois fois le taux d&#39;intérêt légal', 'Indemnité forfaitaire pour frais de recouvrement', '40,00\u00A0€', 'L441-10',
      'Pas d&#39;escompte', 'IBAN FR76 3000 6000 0112 3456 7890 189', company.hash,
    ]) expect(html, mention).toContain(mention);
    expect(html).toContain('Poste fixe; mars &quot;complet&quot;');
    expect(html).not.toContain('SPÉCIMEN');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<(link|script|img)\b/); // self-contained, nothing to fetch
    expect(html).toContain('@page{size:A4');
    expect(renderHtml(member)).not.toContain('Indemnité forfaitaire');
    const c = renderHtml(credit);
    expect(c).toContain('Avoir n° 2026-000003');
    expect(c).toContain('Avoir se rapportant à la facture n° 2026-000001 du 01/04/2026. Motif : Départ au 15 mars');
    expect(c).toContain('-617,28\u00A0€');
  });

  it('marks a specimen and escapes a malicious buyer name', () => {
    fx = openFixture({ seller: unsetSeller() });
    const inv = fx.ledger.issue({ account: { kind: 'person', id: fx.people.mallory }, period: '2026-03', buyer: consumer(`<script>alert("x")</script> & Cie 'o'`), lines: [line({ description: '<img src=x onerror=alert(1)>' })] });
    const html = renderHtml(inv);
    expect(html).toContain('SPÉCIMEN — sans valeur fiscale');
    expect(html).toContain('class="watermark"');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie &#39;o&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img/);
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});

describe('PDF', () => {
  it('is a PDF with the same content, specimen on every page when specimen', async () => {
    fx = openFixture();
    const [company] = threeDocs(fx);
    const pdf = await renderPdf(company);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF/);
    const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    expect(pages).toBe(1);
    const text = pdfText(pdf);
    for (const mention of ['Facture n° 2026-000001', 'SIREN 123 456 782 — SIRET 123 456 782 00010', 'FR11123456782', 'Atelier Vezouze SARL',
      'Total TTC — Net à payer', '1 514,44 €', 'Indemnité forfaitaire pour frais de recouvrement', '40,00 €', company.hash]) {
      expect(text.replace(/\u00A0/g, ' '), mention).toContain(mention);
    }
    expect(text).not.toContain('SPÉCIMEN');
    expect(await renderPdf(company)).toEqual(pdf); // deterministic

    const f2 = openFixture({ seller: unsetSeller() });
    try {
      const many = Array.from({ length: 90 }, (_, i) => line({ code: `hourly`, description: `Heures du ${i + 1} — œuvre ’ 😀 Łódź`, quantity: 1.5, unit: 'hour', unitPriceCents: 400, amountCents: 600 }));
      const long = f2.ledger.issue({ account: { kind: 'person', id: f2.people.alice }, period: '2026-03', buyer: consumer(), lines: many });
      const p = await renderPdf(long);
      const n = (p.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
      expect(n).toBeGreaterThanOrEqual(3);
      const pageStreams = pdfStreams(p).filter((s) => s.includes(' Tm'));
      expect(pageStreams).toHaveLength(n);
      const runs = pdfTextRuns(p);
      expect(runs.filter((r) => r.text === 'SPÉCIMEN — sans valeur fiscale')).toHaveLength(n); // the banner of each page
      expect(runs.filter((r) => r.text === 'Désignation')).toHaveLength(n); // the table header repeats
      // Standard fonts print WinAnsi only: ź loses its accent, what has no Latin form becomes "?".
      expect(runs.map((r) => r.text)).toContain('Heures du 90 — œuvre ’ ? ?ódz');
    } finally {
      f2.close();
    }
  });
});

const DEJAVU = { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' };
describe('PDF with embedded fonts', () => {
  it.skipIf(!existsSync(DEJAVU.regular) || !existsSync(DEJAVU.bold))('embeds TrueType fonts when given (for PDF/A)', async () => {
    fx = openFixture();
    const inv = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer('Łukasz Żółć'), lines: [line()] });
    const pdf = await renderPdf(inv, { fonts: DEJAVU });
    const raw = pdf.toString('latin1');
    expect(raw.slice(0, 5)).toBe('%PDF-');
    expect(raw).toMatch(/\/FontFile2/); // embedded TrueType
    expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
  });
});
