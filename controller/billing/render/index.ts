/** Outputs of an issued document: pure functions of a StoredInvoice (the PDF and e-invoices resolve asynchronously). */
export { CSV_COLUMNS, renderCsv } from './csv.js';
export { InvoiceDtoSchema, toInvoiceDto, type InvoiceDto } from './dto.js';
export { EInvoiceError, fixCii, renderCii, renderFacturX, renderUbl, toEn16931 } from './einvoice.js';
export { escapeHtml, renderHtml } from './html.js';
export { renderPdf, type PdfFonts } from './pdf.js';
