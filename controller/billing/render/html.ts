import type { StoredInvoice } from '../ledger/model.js';
import { SPECIMEN_TEXT } from '../ledger/seller.js';
import {
  buyerLines, dateRows, docTitle, formatMoney, formatQuantity, formatRate, legalMentions, payableLabel, sellerLines, unitLabel,
} from './format.js';

/**
 * One self-contained printable page (no external resource, inline CSS with print rules, A4), in
 * French, with every mention a French invoice needs. Every text from the data is escaped.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const CSS = `
*{box-sizing:border-box}
body{font-family:"Helvetica Neue",Arial,sans-serif;font-size:10.5pt;color:#111;margin:0;padding:24px;max-width:210mm}
h1{font-size:18pt;margin:0 0 4px}
.parties{display:flex;justify-content:space-between;gap:24px;margin:16px 0}
.parties section{flex:1}
.parties h2{font-size:9pt;text-transform:uppercase;color:#555;margin:0 0 4px}
.parties p{margin:0;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:12px 0}
th,td{padding:4px 6px;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}
th{background:#f2f2f2;font-size:9pt}
td.n,th.n{text-align:right;white-space:nowrap}
table.dates{width:auto}
table.dates th{background:none;font-weight:normal;color:#555}
table.totals{width:auto;margin-left:auto}
tr.grand td{font-weight:bold;border-top:2px solid #111}
.mentions{font-size:8.5pt;color:#333;margin-top:16px}
.mentions p{margin:2px 0}
.specimen{border:3px solid #b00;color:#b00;font-weight:bold;text-align:center;padding:6px;margin-bottom:12px;letter-spacing:1px}
.hash{font-size:7pt;color:#777;word-break:break-all;margin-top:12px}
.watermark{position:fixed;top:40%;left:0;right:0;text-align:center;font-size:90pt;font-weight:bold;color:rgba(176,0,0,.08);transform:rotate(-35deg);pointer-events:none;z-index:-1}
@page{size:A4;margin:15mm}
@media print{body{padding:0}thead{display:table-header-group}tr{page-break-inside:avoid}}
`;

const lines = (ls: string[]) => ls.map((l) => escapeHtml(l)).join('<br>');

export function renderHtml(inv: StoredInvoice): string {
  const e = escapeHtml;
  const title = `${docTitle(inv)} n° ${inv.number}`;
  const specimen = inv.specimen ? `<div class="specimen">${e(SPECIMEN_TEXT)}</div>` : '';
  // Fixed, so that a printer repeats it on every page.
  const watermark = inv.specimen ? '<div class="watermark" aria-hidden="true">SPÉCIMEN</div>' : '';
  const rows = inv.lines.map((l) => `<tr>
<td>${e(l.description)}<br><small>${e(l.code)}</small></td>
<td class="n">${e(formatQuantity(l.quantityMilli))} ${e(unitLabel(l.unit, l.quantityMilli))}</td>
<td class="n">${e(formatMoney(l.unitPriceCents))}</td>
<td class="n">${e(formatRate(l.vatRateBp))}</td>
<td class="n">${e(formatMoney(l.amountCents))}</td>
</tr>`).join('\n');
  const breakdown = inv.vatBreakdown.map((v) => `<tr><td>TVA ${e(formatRate(v.rateBp))}</td><td class="n">${e(formatMoney(v.baseCents))}</td><td class="n">${e(formatMoney(v.vatCents))}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${e(title)}${inv.specimen ? ` — ${e(SPECIMEN_TEXT)}` : ''}</title>
<style>${CSS}</style>
</head>
<body>
${watermark}
${specimen}
<header>
<h1>${e(title)}</h1>
<table class="dates">${dateRows(inv).map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
</header>
<div class="parties">
<section><h2>Vendeur</h2><p>${lines(sellerLines(inv.seller))}</p></section>
<section><h2>Client</h2><p>${lines(buyerLines(inv.buyer))}</p></section>
</div>
<table class="lines">
<thead><tr><th>Désignation</th><th class="n">Quantité</th><th class="n">Prix unitaire HT</th><th class="n">TVA</th><th class="n">Montant HT</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<table class="totals">
<thead><tr><th>Taux</th><th class="n">Base HT</th><th class="n">Montant TVA</th></tr></thead>
<tbody>
${breakdown}
<tr class="grand"><td>Total HT</td><td class="n" colspan="2">${e(formatMoney(inv.totals.htCents))}</td></tr>
<tr><td>Total TVA</td><td class="n" colspan="2">${e(formatMoney(inv.totals.vatCents))}</td></tr>
<tr class="grand"><td>Total TTC — ${e(payableLabel(inv))}</td><td class="n" colspan="2">${e(formatMoney(inv.totals.ttcCents))}</td></tr>
</tbody>
</table>
<div class="mentions">
${legalMentions(inv).map((m) => `<p>${e(m)}</p>`).join('\n')}
</div>
${specimen}
<p class="hash">Empreinte SHA-256 : ${e(inv.hash)}</p>
</body>
</html>
`;
}
