import { create } from 'xmlbuilder2';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredInvoice } from '../../../controller/billing/ledger/index.js';
import { EInvoiceError, renderCii, renderFacturX, renderUbl } from '../../../controller/billing/render/einvoice.js';
import { business, consumer, line, openFixture, unsetSeller, type Fixture } from './helpers.js';
import { pdfStreams } from './pdf-text.js';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

/** A parsed XML document, walked by qualified element names. */
function xml(source: string) {
  const root = create(source).root().node as unknown as Element;
  const all = (name: string, from: Element = root) => [...from.getElementsByTagName(name)];
  const one = (path: string, from: Element = root): Element => {
    let el = from;
    for (const name of path.split('/')) {
      const next = [...el.children].find((c) => c.tagName === name);
      if (next === undefined) throw new Error(`no ${name} in ${el.tagName} (path ${path})`);
      el = next;
    }
    return el;
  };
  const text = (path: string, from: Element = root) => one(path, from).textContent;
  return { root, all, one, text };
}

function companyInvoice(f: Fixture): StoredInvoice {
  return f.ledger.issue({
    account: { kind: 'company', id: f.company }, period: '2026-03', buyer: business(),
    lines: [
      line({ code: 'plan:fixed-desk', description: 'Poste fixe', quantity: 1, unit: 'month', unitPriceCents: 25_000, amountCents: 25_000 }),
      line({ code: 'room-hours', description: 'Salle Vezouze', quantity: 2.5, unit: 'hour', unitPriceCents: 2001, amountCents: 5003, vatRateBp: 550 }),
      line({ code: 'loyalty', description: 'Remise fidélité', quantity: 1, unit: 'unit', unitPriceCents: -1000, amountCents: -1000 }),
    ],
  });
}

describe('EN 16931 e-invoices through @e-invoice-eu/core', () => {
  it('UBL: number, dates, parties, lines and totals of the invoice', async () => {
    fx = openFixture();
    const inv = companyInvoice(fx);
    expect(inv.totals).toEqual({ htCents: 29_003, vatCents: 4800 + 275, ttcCents: 34_078 });
    const x = xml(await renderUbl(inv));
    expect(x.root.tagName).toBe('Invoice');
    expect(x.root.namespaceURI).toBe('urn:oasis:names:specification:ubl:schema:xsd:Invoice-2');
    expect([x.text('cbc:ID'), x.text('cbc:IssueDate'), x.text('cbc:DueDate'), x.text('cbc:InvoiceTypeCode'), x.text('cbc:DocumentCurrencyCode')])
      .toEqual(['2026-000001', '2026-04-01', '2026-05-01', '380', 'EUR']);
    expect([x.text('cac:InvoicePeriod/cbc:StartDate'), x.text('cac:InvoicePeriod/cbc:EndDate')]).toEqual(['2026-03-01', '2026-03-31']);
    const seller = x.one('cac:AccountingSupplierParty/cac:Party');
    expect(x.text('cac:PartyLegalEntity/cbc:RegistrationName', seller)).toBe('SPL Ménil-Flin Innovation');
    expect(x.text('cac:PartyLegalEntity/cbc:CompanyID', seller)).toBe('123456782');
    expect(x.text('cac:PartyTaxScheme/cbc:CompanyID', seller)).toBe('FR11123456782');
    expect(x.one('cbc:EndpointID', seller).getAttribute('schemeID')).toBe('0009');
    expect(x.text('cac:PostalAddress/cbc:CityName', seller)).toBe('Ménil-Flin');
    const buyer = x.one('cac:AccountingCustomerParty/cac:Party');
    expect(x.text('cac:PartyLegalEntity/cbc:RegistrationName', buyer)).toBe('Atelier Vezouze SARL');
    expect(x.text('cac:PartyTaxScheme/cbc:CompanyID', buyer)).toBe('FR96552100554');
    const totals = x.one('cac:LegalMonetaryTotal');
    expect(['cbc:LineExtensionAmount', 'cbc:TaxExclusiveAmount', 'cbc:TaxInclusiveAmount', 'cbc:PayableAmount'].map((p) => x.text(p, totals)))
      .toEqual(['290.03', '290.03', '340.78', '340.78']);
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('50.75');
    expect(x.all('cac:TaxSubtotal').map((s) => [x.text('cac:TaxCategory/cbc:Percent', s), x.text('cbc:TaxableAmount', s), x.text('cbc:TaxAmount', s)]))
      .toEqual([['20', '240.00', '48.00'], ['5.50', '50.03', '2.75']]);
    const lines = x.all('cac:InvoiceLine');
    expect(lines.map((l) => [x.text('cbc:InvoicedQuantity', l), x.one('cbc:InvoicedQuantity', l).getAttribute('unitCode'), x.text('cbc:LineExtensionAmount', l), x.text('cac:Price/cbc:PriceAmount', l)]))
      .toEqual([['1.000', 'MON', '250.00', '250.00'], ['2.500', 'HUR', '50.03', '20.01'], ['-1.000', 'C62', '-10.00', '10.00']]);
    const notes = x.all('cbc:Note').filter((n) => (n.parentNode as Element).tagName === 'Invoice').map((n) => n.textContent);
    expect(notes.join('\n')).toMatch(/Indemnité forfaitaire pour frais de recouvrement/);
    expect(x.text('cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID')).toBe('FR7630006000011234567890189');
  });

  it('CII: the same invoice, one IncludedNote per note', async () => {
    fx = openFixture();
    const inv = companyInvoice(fx);
    const x = xml(await renderCii(inv));
    expect(x.root.tagName).toBe('rsm:CrossIndustryInvoice');
    expect([x.text('rsm:ExchangedDocument/ram:ID'), x.text('rsm:ExchangedDocument/ram:TypeCode')]).toEqual(['2026-000001', '380']);
    const notes = x.all('ram:IncludedNote', x.one('rsm:ExchangedDocument'));
    expect(notes.length).toBeGreaterThan(3);
    expect(notes.every((n) => n.getElementsByTagName('ram:Content').length === 1)).toBe(true);
    const agreement = x.one('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement');
    expect(x.text('ram:SellerTradeParty/ram:Name', agreement)).toBe('SPL Ménil-Flin Innovation');
    expect(x.text('ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID', agreement)).toBe('FR11123456782');
    expect(x.text('ram:BuyerTradeParty/ram:Name', agreement)).toBe('Atelier Vezouze SARL');
    const sum = x.one('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation');
    expect(['ram:LineTotalAmount', 'ram:TaxBasisTotalAmount', 'ram:TaxTotalAmount', 'ram:GrandTotalAmount', 'ram:DuePayableAmount'].map((p) => x.text(p, sum)))
      .toEqual(['290.03', '290.03', '50.75', '340.78', '340.78']);
    expect(x.all('ram:IncludedSupplyChainTradeLineItem')).toHaveLength(3);
    expect(x.text('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString')).toBe('20260501');
  });

  it('credit notes: type 381, positive amounts, and the reference to the invoice in UBL and CII', async () => {
    fx = openFixture();
    const inv = companyInvoice(fx);
    const cn = fx.ledger.creditNote(inv.id, [line({ code: 'plan:fixed-desk', description: 'Poste fixe', quantity: 0.5, unit: 'month', unitPriceCents: 25_000, amountCents: 12_500 })], 'Départ au 15 mars');
    const u = xml(await renderUbl(cn));
    expect(u.root.tagName).toBe('CreditNote');
    expect([u.text('cbc:ID'), u.text('cbc:CreditNoteTypeCode')]).toEqual([cn.number, '381']);
    expect([u.text('cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID'), u.text('cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate')])
      .toEqual([inv.number, inv.issueDate]);
    expect(u.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('150.00');
    expect(u.text('cac:CreditNoteLine/cbc:CreditedQuantity')).toBe('0.500');
    const c = xml(await renderCii(cn));
    expect(c.text('rsm:ExchangedDocument/ram:TypeCode')).toBe('381');
    const ref = c.one('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument');
    expect(c.text('ram:IssuerAssignedID', ref)).toBe(inv.number);
    expect(c.text('ram:FormattedIssueDateTime/qdt:DateTimeString', ref)).toBe('20260401');
    expect(c.text('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount')).toBe('150.00');
  });

  it('marks a specimen in the XML when the seller is unset; UBL needs an electronic address, CII does not', async () => {
    fx = openFixture({ seller: unsetSeller() });
    const inv = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer(), lines: [line()] });
    const u = xml(await renderUbl(inv));
    expect(u.all('cbc:Note')[0]?.textContent).toBe('SPÉCIMEN — sans valeur fiscale');
    expect(u.text('cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName')).toBe('Vendeur non configuré');
    const c = xml(await renderCii(inv));
    expect(c.text('rsm:ExchangedDocument/ram:IncludedNote/ram:Content')).toBe('SPÉCIMEN — sans valeur fiscale');
    fx.close();

    fx = openFixture();
    const anonymous = { ...consumer(), email: null };
    const noAddress = fx.ledger.issue({ account: { kind: 'person', id: fx.people.mallory }, period: '2026-03', buyer: anonymous, lines: [line()] });
    await expect(renderUbl(noAddress)).rejects.toThrow(EInvoiceError);
    await expect(renderCii(noAddress)).resolves.toContain('<ram:ID>2026-000001</ram:ID>');
  });

  it('Factur-X: a PDF carrying the CII as factur-x.xml, with the credit note reference', async () => {
    fx = openFixture();
    const inv = companyInvoice(fx);
    const cn = fx.ledger.creditNote(inv.id, 'full', 'Erreur de facturation');
    const pdf = Buffer.from(await renderFacturX(cn));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toContain('factur-x.xml');
    const streams = pdfStreams(pdf);
    const embedded = streams.find((s) => s.includes('CrossIndustryInvoice'));
    expect(embedded).toBeDefined();
    const x = xml(Buffer.from(embedded!, 'latin1').toString('utf8'));
    expect(x.text('rsm:ExchangedDocument/ram:ID')).toBe(cn.number);
    expect(x.text('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/ram:IssuerAssignedID')).toBe(inv.number);
    expect(streams.some((s) => s.includes('EN 16931') && s.includes('ConformanceLevel'))).toBe(true);
  }, 30_000);
});
