import PDFDocument from 'pdfkit';
import type { StoredInvoice } from '../ledger/model.js';
import { SPECIMEN_TEXT } from '../ledger/seller.js';
import {
  buyerLines, dateRows, docTitle, formatMoney, formatQuantity, formatRate, legalMentions, payableLabel, sellerLines, unitLabel,
} from './format.js';

/** TrueType fonts to embed instead of PDF's standard Helvetica (which PDF/A, hence a conforming Factur-X, requires). */
export interface PdfFonts {
  regular: string | Buffer;
  bold: string | Buffer;
}

const pdfDefaults = {
  margin: 50, // pt (≈ 18 mm)
  fontSize: 9.5, // pt
  mentionsSize: 8, // pt
};

const PAGE = { width: 595.28, height: 841.89 }; // A4 in pt
const LEFT = pdfDefaults.margin;
const WIDTH = PAGE.width - 2 * pdfDefaults.margin;
const BOTTOM = PAGE.height - pdfDefaults.margin;
/** Lines table: description, quantity, unit price, VAT rate, amount (pt). */
const COLS = [{ w: 215, align: 'left' }, { w: 80, align: 'right' }, { w: 75, align: 'right' }, { w: 45, align: 'right' }, { w: 80, align: 'right' }] as const;

/** The 27 characters Windows-1252 adds to Latin-1, which the standard fonts can print. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Standard fonts print WinAnsi only: anything else becomes its unaccented form or "?". */
function winAnsi(s: string): string {
  let out = '';
  for (const c of s.normalize('NFC')) {
    const code = c.codePointAt(0) as number;
    if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c) || c === '\n') out += c;
    else if (/\s/u.test(c)) out += ' ';
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += base !== c && [...base].every((b) => b.charCodeAt(0) < 0x7f) ? base : '?';
    }
  }
  return out;
}

/**
 * The invoice as an A4 PDF with the same content as the HTML view. Deterministic for a given
 * document (its creation date is the document's). Resolves to the bytes.
 */
export function renderPdf(inv: StoredInvoice, opts: { fonts?: PdfFonts } = {}): Promise<Buffer> {
  const title = `${docTitle(inv)} n° ${inv.number}`;
  const doc = new PDFDocument({
    size: 'A4', margin: pdfDefaults.margin, bufferPages: false, lang: 'fr-FR',
    info: { Title: title, Author: inv.seller.name, Subject: inv.specimen ? SPECIMEN_TEXT : title, CreationDate: new Date(inv.createdAt), ModDate: new Date(inv.createdAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let regular = 'Helvetica';
  let bold = 'Helvetica-Bold';
  let t = winAnsi;
  if (opts.fonts !== undefined) {
    doc.registerFont('regular', opts.fonts.regular);
    doc.registerFont('bold', opts.fonts.bold);
    regular = 'regular';
    bold = 'bold';
    t = (s) => s;
  }

  const decorate = () => {
    if (!inv.specimen) return;
    doc.save();
    doc.rect(LEFT, 20, WIDTH, 20).fill('#b00000');
    doc.font(bold).fontSize(10).fillColor('#ffffff').text(t(SPECIMEN_TEXT), LEFT, 25, { width: WIDTH, align: 'center', lineBreak: false });
    doc.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
    doc.fontSize(80).fillColor('#b00000').opacity(0.08).text('SPÉCIMEN', 0, PAGE.height / 2 - 40, { width: PAGE.width, align: 'center', lineBreak: false });
    doc.restore();
    doc.opacity(1).fillColor('#000000');
  };
  doc.on('pageAdded', decorate);
  decorate();

  let y = pdfDefaults.margin;
  const ensure = (h: number) => {
    if (y + h > BOTTOM) {
      doc.addPage();
      y = pdfDefaults.margin;
    }
  };
  const write = (s: string, x: number, w: number, o: { font?: string; size?: number; align?: 'left' | 'right' | 'center' } = {}) => {
    doc.font(o.font ?? regular).fontSize(o.size ?? pdfDefaults.fontSize).fillColor('#000000');
    doc.text(t(s), x, y, { width: w, align: o.align ?? 'left' });
    return doc.heightOfString(t(s), { width: w });
  };

  // Title and dates
  y += write(title, LEFT, WIDTH, { font: bold, size: 18 }) + 6;
  for (const [k, v] of dateRows(inv)) {
    write(k, LEFT, 150, { size: 9 });
    y += write(v, LEFT + 150, WIDTH - 150, { size: 9 }) + 1;
  }
  y += 14;

  // Parties
  const half = (WIDTH - 24) / 2;
  write('VENDEUR', LEFT, half, { font: bold, size: 8 });
  write('CLIENT', LEFT + half + 24, half, { font: bold, size: 8 });
  y += 12;
  const hs = write(sellerLines(inv.seller).join('\n'), LEFT, half);
  const hb = write(buyerLines(inv.buyer).join('\n'), LEFT + half + 24, half);
  y += Math.max(hs, hb) + 18;

  // Lines
  const header = () => {
    doc.rect(LEFT, y - 3, WIDTH, 16).fill('#eeeeee');
    let x = LEFT;
    ['Désignation', 'Quantité', 'Prix unit. HT', 'TVA', 'Montant HT'].forEach((h, i) => {
      const col = COLS[i]!;
      write(h, x + 3, col.w - 6, { font: bold, size: 8.5, align: col.align });
      x += col.w;
    });
    y += 16;
  };
  header();
  for (const l of inv.lines) {
    const cells = [
      `${l.description}\n${l.code}`,
      `${formatQuantity(l.quantityMilli)} ${unitLabel(l.unit, l.quantityMilli)}`,
      formatMoney(l.unitPriceCents),
      formatRate(l.vatRateBp),
      formatMoney(l.amountCents),
    ];
    doc.font(regular).fontSize(pdfDefaults.fontSize);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(t(c), { width: COLS[i]!.w - 6 })));
    if (y + h + 6 > BOTTOM) {
      ensure(BOTTOM);
      header();
    }
    let x = LEFT;
    cells.forEach((c, i) => {
      write(c, x + 3, COLS[i]!.w - 6, { align: COLS[i]!.align });
      x += COLS[i]!.w;
    });
    y += h + 4;
    doc.moveTo(LEFT, y - 2).lineTo(LEFT + WIDTH, y - 2).lineWidth(0.5).strokeColor('#cccccc').stroke();
  }
  y += 10;

  // Totals per rate, then the totals
  const totalsX = LEFT + WIDTH - 290; // label 140 pt, then two amounts of 75 pt
  const totalRow = (label: string, a: string, b: string, font = regular) => {
    ensure(14);
    write(label, totalsX, 140, { font });
    write(a, totalsX + 140, 75, { font, align: 'right' });
    write(b, totalsX + 215, 75, { font, align: 'right' });
    y += 14;
  };
  totalRow('Taux', 'Base HT', 'Montant TVA', bold);
  for (const v of inv.vatBreakdown) totalRow(`TVA ${formatRate(v.rateBp)}`, formatMoney(v.baseCents), formatMoney(v.vatCents));
  y += 4;
  totalRow('Total HT', '', formatMoney(inv.totals.htCents), bold);
  totalRow('Total TVA', '', formatMoney(inv.totals.vatCents));
  totalRow(`Total TTC — ${payableLabel(inv)}`, '', formatMoney(inv.totals.ttcCents), bold);
  y += 14;

  // Legal mentions
  for (const m of legalMentions(inv)) {
    doc.font(regular).fontSize(pdfDefaults.mentionsSize);
    ensure(doc.heightOfString(t(m), { width: WIDTH }) + 3);
    y += write(m, LEFT, WIDTH, { size: pdfDefaults.mentionsSize }) + 3;
  }
  y += 8;
  ensure(12);
  write(`Empreinte SHA-256 : ${inv.hash}`, LEFT, WIDTH, { size: 6.5 });

  doc.end();
  return done;
}
