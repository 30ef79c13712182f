import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { BillingError } from '../errors.js';
import { invoiceEvidence } from '../evidence.js';
import { LedgerError, type StoredInvoice } from '../ledger/index.js';
import { renderCsv } from '../render/csv.js';
import { InvoiceDtoSchema, toInvoiceDto } from '../render/dto.js';
import { renderHtml } from '../render/html.js';
import { AccountKind, assertMayRead, callerResolver, IdParams, strict, type BillingRoutesDeps } from './deps.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const FORMATS = ['html', 'pdf', 'ubl', 'cii', 'facturx'] as const;
const CONTENT_TYPES: Record<(typeof FORMATS)[number], string> = {
  html: 'text/html; charset=utf-8', pdf: 'application/pdf', ubl: 'application/xml', cii: 'application/xml', facturx: 'application/pdf',
};
const EXTENSIONS: Record<(typeof FORMATS)[number], string> = { html: 'html', pdf: 'pdf', ubl: 'ubl.xml', cii: 'cii.xml', facturx: 'facturx.pdf' };

/** The document in a format; the PDF and e-invoice libraries are loaded on first use only (they are heavy). */
async function render(invoice: StoredInvoice, format: (typeof FORMATS)[number]): Promise<string | Buffer> {
  if (format === 'html') return renderHtml(invoice);
  if (format === 'pdf') return (await import('../render/pdf.js')).renderPdf(invoice);
  const einvoice = await import('../render/einvoice.js');
  if (format === 'ubl') return einvoice.renderUbl(invoice);
  if (format === 'cii') return einvoice.renderCii(invoice);
  return Buffer.from(await einvoice.renderFacturX(invoice));
}

/** Issued invoices and credit notes: read, print, export, follow to their evidence, correct by a credit note. */
export function invoiceRoutes(deps: BillingRoutesDeps): FastifyPluginAsyncTypebox {
  const callerOf = callerResolver(deps.sqlite);
  const { ledger } = deps.billing;
  const find = (id: number): StoredInvoice => {
    const invoice = ledger.get(id);
    if (invoice === undefined) throw new BillingError(404, `invoice ${id} does not exist`);
    return invoice;
  };
  return async (app) => {
    const tags = ['billing'];
    app.get('/api/invoices', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Invoices and credit notes of an account, or issued between two dates (inclusive), in issue order',
        querystring: Type.Object({ accountKind: Type.Optional(AccountKind), accountId: Type.Optional(Type.Integer({ minimum: 1 })), from: Type.Optional(Day), to: Type.Optional(Day) }, strict),
        response: { 200: Type.Object({ invoices: Type.Array(InvoiceDtoSchema) }), ...errorResponses },
      },
    }, async (req) => {
      const { accountKind, accountId, from, to } = req.query;
      if (accountKind !== undefined && accountId !== undefined) return { invoices: ledger.reader.forAccount({ kind: accountKind, id: accountId }).map(toInvoiceDto) };
      return { invoices: ledger.between(from ?? '0000-01-01', to ?? '9999-12-31').slice(-1000).map(toInvoiceDto) };
    });

    app.get('/api/invoices/:id', {
      config: { roles: ROLES.everyone },
      schema: { tags, summary: 'One invoice or credit note (members: their own)', params: IdParams, response: { 200: InvoiceDtoSchema, ...errorResponses } },
    }, async (req) => {
      const invoice = find(req.params.id);
      assertMayRead(callerOf(req), invoice);
      return toInvoiceDto(invoice);
    });

    app.get('/api/invoices/:id/document', {
      config: { roles: ROLES.everyone },
      schema: {
        tags, summary: 'The document: printable HTML, PDF, EN 16931 UBL or CII XML, or Factur-X PDF',
        params: IdParams, querystring: Type.Object({ format: Type.Enum([...FORMATS], { default: 'html' }) }, strict),
      },
    }, async (req, reply) => {
      const invoice = find(req.params.id);
      assertMayRead(callerOf(req), invoice);
      const format = req.query.format;
      const body = await render(invoice, format);
      const disposition = format === 'html' ? 'inline' : 'attachment';
      return reply.type(CONTENT_TYPES[format]).header('content-disposition', `${disposition}; filename="${invoice.number}.${EXTENSIONS[format]}"`).send(body);
    });

    app.get('/api/invoices/:id/evidence', {
      config: { roles: ROLES.everyone },
      schema: { tags, summary: "Each line's usage records, and the door passages, badge decisions and desk check-ins behind them", params: IdParams },
    }, async (req) => {
      const invoice = find(req.params.id);
      assertMayRead(callerOf(req), invoice);
      return { invoice: invoice.number, lines: invoiceEvidence(deps.sqlite, invoice, deps.timeZone) };
    });

    app.post('/api/invoices/:id/credit-notes', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Correct an invoice by a credit note (the whole invoice, or some lines); the invoice itself never changes',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }), positions: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, uniqueItems: true })) }, strict),
        response: { 201: InvoiceDtoSchema, ...errorResponses },
      },
    }, async (req, reply) => {
      const invoice = find(req.params.id);
      const { positions, reason } = req.body;
      const lines = positions === undefined ? 'full' as const : positions.map((p) => {
        const l = invoice.lines.find((x) => x.position === p);
        if (l === undefined) throw new BillingError(400, `invoice ${invoice.number} has no line ${p}`);
        return { code: l.code, description: l.description, personId: l.personId, quantity: l.quantityMilli / 1000, unit: l.unit,
          unitPriceCents: l.unitPriceCents, amountCents: l.amountCents, vatRateBp: l.vatRateBp, evidence: l.evidence };
      });
      try {
        const note = ledger.creditNote(invoice.id, lines, reason.trim());
        req.log.info({ invoice: invoice.number, creditNote: note.number, by: callerOf(req).username }, 'credit note issued');
        return await reply.code(201).send(toInvoiceDto(note));
      } catch (err) {
        if (err instanceof LedgerError) throw new BillingError(409, err.message);
        throw err;
      }
    });

    app.get('/api/billing/export.csv', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: "The accountant's export: one row per line of every document issued between two dates (inclusive)", querystring: Type.Object({ from: Day, to: Day }, strict) },
    }, async (req, reply) => reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="factures-${req.query.from}-${req.query.to}.csv"`)
      .send(renderCsv(ledger.between(req.query.from, req.query.to))));

    app.get('/api/billing/chain', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'Verify the hash chain of every issued document (as npm run billing:verify does)' },
    }, async () => ledger.verifyChain());
  };
}
