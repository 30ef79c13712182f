import { FormatFactoryService, InvoiceService, type Invoice } from '@e-invoice-eu/core';
import { milliToDecimal } from '../ledger/money.js';
import type { Buyer, Seller, StoredInvoice, StoredLine } from '../ledger/model.js';
import { SPECIMEN_TEXT } from '../ledger/seller.js';
import { legalMentions, periodBounds } from './format.js';
import { renderPdf, type PdfFonts } from './pdf.js';

/**
 * EN 16931 e-invoices through @e-invoice-eu/core: the stored document is mapped to the library's
 * invoice JSON (modelled on UBL), and the library writes UBL, CII, or Factur-X (the PDF of
 * render/pdf.ts with the CII XML embedded, PDF/A-3 metadata added by the library).
 *
 * - Credit notes use type code 381 with positive amounts (the type carries the sign) and reference
 *   the invoice (BG-3); the library writes a UBL <CreditNote>.
 * - A line's net price may not be negative (BR-27): a discount line is written with a negative
 *   quantity and a positive price.
 * - VAT categories: 'S' (standard) for a positive rate, 'Z' for 0 %.
 * - Electronic addresses (UBL requires both): SIRET (scheme 0009), else SIREN (0002), else e-mail (EM).
 * - The specimen mention is the first note.
 *
 * Two gaps of the library's CII writer (2.3.4) are filled on its XML output by `fixCii`: it drops
 * BG-3 (cac:BillingReference is not mapped to CII, upstream issue gflohr/e-invoice-eu#455), and it
 * writes every note as a <ram:Content> of one <ram:IncludedNote> where EN 16931 has one
 * IncludedNote per note. Both fixes do nothing once the library writes them itself.
 */
type UblInvoice = Invoice['ubl:Invoice'];
type UblLine = UblInvoice['cac:InvoiceLine'][number];
type UnitCode = NonNullable<UblLine['cbc:InvoicedQuantity@unitCode']>;
type Party = UblInvoice['cac:AccountingSupplierParty']['cac:Party'];
type EndpointScheme = NonNullable<Party['cbc:EndpointID@schemeID']>;
type CountryCode = Party['cac:PostalAddress']['cac:Country']['cbc:IdentificationCode'];

export class EInvoiceError extends Error {
  override name = 'EInvoiceError';
}

/** UN/ECE Recommendation 20 unit codes. */
const UNIT_CODES: Record<StoredLine['unit'], UnitCode> = { day: 'DAY', hour: 'HUR', month: 'MON', GB: 'E34', card: 'C62', unit: 'C62' };

const amount = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const a = Math.abs(cents);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};
const percent = (bp: number): string => `${Math.floor(bp / 100)}${bp % 100 === 0 ? '' : `.${String(bp % 100).padStart(2, '0')}`}`;
const category = (bp: number) => (bp > 0 ? 'S' : 'Z');

function endpoint(p: { siret: string | null; siren: string | null; email: string | null }, specimen: boolean): { id: string; scheme: EndpointScheme } | undefined {
  if (p.siret !== null) return { id: p.siret, scheme: '0009' };
  if (p.siren !== null) return { id: p.siren, scheme: '0002' };
  if (p.email !== null) return { id: p.email, scheme: 'EM' };
  return specimen ? { id: 'specimen@example.invalid', scheme: 'EM' } : undefined;
}

function address(a: Seller['address']): Party['cac:PostalAddress'] {
  const out: Party['cac:PostalAddress'] = { 'cac:Country': { 'cbc:IdentificationCode': a.country as CountryCode } };
  if (a.lines[0] !== undefined) out['cbc:StreetName'] = a.lines[0];
  if (a.lines[1] !== undefined) out['cbc:AdditionalStreetName'] = a.lines[1];
  if (a.lines.length > 2) out['cac:AddressLine'] = { 'cbc:Line': a.lines.slice(2).join(', ') };
  if (a.city !== null) out['cbc:CityName'] = a.city;
  if (a.postcode !== null) out['cbc:PostalZone'] = a.postcode;
  return out;
}

function sellerParty(s: Seller, specimen: boolean): Party {
  const party: Party = {
    'cac:PartyName': { 'cbc:Name': s.name },
    'cac:PostalAddress': address(s.address),
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': s.name },
  };
  const ep = endpoint({ siret: s.siret, siren: s.siren, email: s.email }, specimen);
  if (ep !== undefined) {
    party['cbc:EndpointID'] = ep.id;
    party['cbc:EndpointID@schemeID'] = ep.scheme;
  }
  if (s.siret !== null) party['cac:PartyIdentification'] = [{ 'cbc:ID': s.siret, 'cbc:ID@schemeID': '0009' }];
  if (s.vatNumber !== null) party['cac:PartyTaxScheme'] = [{ 'cbc:CompanyID': s.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }];
  if (s.siren !== null) {
    party['cac:PartyLegalEntity']['cbc:CompanyID'] = s.siren;
    party['cac:PartyLegalEntity']['cbc:CompanyID@schemeID'] = '0002';
  }
  if (s.legalForm !== null) party['cac:PartyLegalEntity']['cbc:CompanyLegalForm'] = s.legalForm;
  if (s.email !== null) party['cac:Contact'] = { 'cbc:ElectronicMail': s.email };
  return party;
}

function buyerParty(b: Buyer, specimen: boolean): UblInvoice['cac:AccountingCustomerParty']['cac:Party'] {
  const party: UblInvoice['cac:AccountingCustomerParty']['cac:Party'] = {
    'cac:PartyName': { 'cbc:Name': b.name },
    'cac:PostalAddress': address(b.address),
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': b.name },
  };
  const ep = endpoint(b, specimen);
  if (ep !== undefined) {
    party['cbc:EndpointID'] = ep.id;
    party['cbc:EndpointID@schemeID'] = ep.scheme;
  }
  if (b.siret !== null) party['cac:PartyIdentification'] = { 'cbc:ID': b.siret, 'cbc:ID@schemeID': '0009' };
  if (b.vatNumber !== null) party['cac:PartyTaxScheme'] = { 'cbc:CompanyID': b.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } };
  if (b.siren !== null) {
    party['cac:PartyLegalEntity']['cbc:CompanyID'] = b.siren;
    party['cac:PartyLegalEntity']['cbc:CompanyID@schemeID'] = '0002';
  }
  if (b.email !== null) party['cac:Contact'] = { 'cbc:ElectronicMail': b.email };
  return party;
}

/** The stored document in the library's EN 16931 JSON (credit notes with positive amounts). */
export function toEn16931(inv: StoredInvoice): Invoice {
  if (inv.lines.length === 0) throw new EInvoiceError(`${inv.number} has no lines`);
  const sign = inv.docType === 'credit_note' ? -1 : 1;
  const lines = inv.lines.map((l): UblLine => {
    let qty = sign * l.quantityMilli;
    let price = l.unitPriceCents;
    if (price < 0) {
      qty = -qty;
      price = -price;
    }
    return {
      'cbc:ID': String(l.position),
      'cbc:InvoicedQuantity': milliToDecimal(qty),
      'cbc:InvoicedQuantity@unitCode': UNIT_CODES[l.unit],
      'cbc:LineExtensionAmount': amount(sign * l.amountCents),
      'cbc:LineExtensionAmount@currencyID': 'EUR',
      'cac:Item': {
        'cbc:Name': l.description,
        'cac:SellersItemIdentification': { 'cbc:ID': l.code },
        'cac:ClassifiedTaxCategory': { 'cbc:ID': category(l.vatRateBp), 'cbc:Percent': percent(l.vatRateBp), 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
      },
      'cac:Price': { 'cbc:PriceAmount': amount(price), 'cbc:PriceAmount@currencyID': 'EUR' },
    };
  }) as [UblLine, ...UblLine[]];
  const notes = legalMentions(inv).filter((m) => !m.startsWith(SPECIMEN_TEXT));
  if (inv.specimen) notes.unshift(SPECIMEN_TEXT);
  const ubl: UblInvoice = {
    'cbc:ID': inv.number,
    'cbc:IssueDate': inv.issueDate,
    'cbc:InvoiceTypeCode': inv.docType === 'invoice' ? '380' : '381',
    'cbc:Note': notes,
    'cbc:DocumentCurrencyCode': 'EUR',
    'cbc:BuyerReference': `${inv.account.kind}-${inv.account.id}`,
    'cac:AccountingSupplierParty': { 'cac:Party': sellerParty(inv.seller, inv.specimen) },
    'cac:AccountingCustomerParty': { 'cac:Party': buyerParty(inv.buyer, inv.specimen) },
    'cac:TaxTotal': [{
      'cbc:TaxAmount': amount(sign * inv.totals.vatCents),
      'cbc:TaxAmount@currencyID': 'EUR',
      'cac:TaxSubtotal': inv.vatBreakdown.map((v) => ({
        'cbc:TaxableAmount': amount(sign * v.baseCents),
        'cbc:TaxableAmount@currencyID': 'EUR',
        'cbc:TaxAmount': amount(sign * v.vatCents),
        'cbc:TaxAmount@currencyID': 'EUR',
        'cac:TaxCategory': { 'cbc:ID': category(v.rateBp), 'cbc:Percent': percent(v.rateBp), 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
      })),
    }],
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amount(sign * inv.totals.htCents),
      'cbc:LineExtensionAmount@currencyID': 'EUR',
      'cbc:TaxExclusiveAmount': amount(sign * inv.totals.htCents),
      'cbc:TaxExclusiveAmount@currencyID': 'EUR',
      'cbc:TaxInclusiveAmount': amount(sign * inv.totals.ttcCents),
      'cbc:TaxInclusiveAmount@currencyID': 'EUR',
      'cbc:PayableAmount': amount(sign * inv.totals.ttcCents),
      'cbc:PayableAmount@currencyID': 'EUR',
    },
    'cac:InvoiceLine': lines,
  };
  if (inv.dueDate !== null) ubl['cbc:DueDate'] = inv.dueDate;
  if (inv.period !== null) {
    const { start, end } = periodBounds(inv.period);
    ubl['cac:InvoicePeriod'] = { 'cbc:StartDate': start, 'cbc:EndDate': end };
  }
  if (inv.credited !== null) {
    ubl['cac:BillingReference'] = [{ 'cac:InvoiceDocumentReference': { 'cbc:ID': inv.credited.number, 'cbc:IssueDate': inv.credited.issueDate } }];
  }
  if (inv.terms !== null) ubl['cac:PaymentTerms'] = { 'cbc:Note': `${inv.terms.dueDays} jours. ${inv.terms.latePenalty}` };
  if (inv.seller.iban !== null && inv.docType === 'invoice') {
    ubl['cac:PaymentMeans'] = [{
      'cbc:PaymentMeansCode': '58', // SEPA credit transfer
      'cbc:PaymentID': inv.number,
      'cac:PayeeFinancialAccount': {
        'cbc:ID': inv.seller.iban,
        ...(inv.seller.bic === null ? {} : { 'cac:FinancialInstitutionBranch': { 'cbc:ID': inv.seller.bic } }),
      },
    }];
  }
  return { 'ubl:Invoice': ubl };
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

const xmlText = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The library's CII, with one IncludedNote per note and the credited invoice (BG-3) when missing. */
export function fixCii(xml: string, inv: StoredInvoice): string {
  let out = xml.replace(/([ \t]*)<ram:IncludedNote>\s*((?:<ram:Content>[^<]*<\/ram:Content>\s*){2,})<\/ram:IncludedNote>/, (_m, indent: string, contents: string) =>
    [...contents.matchAll(/<ram:Content>[^<]*<\/ram:Content>/g)].map((c) => `${indent}<ram:IncludedNote>${c[0]}</ram:IncludedNote>`).join('\n'));
  if (inv.credited !== null && !out.includes('<ram:InvoiceReferencedDocument>')) {
    const anchor = '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>';
    const at = out.indexOf(anchor);
    if (at < 0) throw new EInvoiceError(`${inv.number}: no monetary summation in the CII to place the invoice reference after`);
    const ref = `<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>${xmlText(inv.credited.number)}</ram:IssuerAssignedID>`
      + `<ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${inv.credited.issueDate.replace(/-/g, '')}</qdt:DateTimeString></ram:FormattedIssueDateTime>`
      + '</ram:InvoiceReferencedDocument>';
    out = `${out.slice(0, at + anchor.length)}\n\t\t\t${ref}${out.slice(at + anchor.length)}`;
  }
  return out;
}

async function generate(inv: StoredInvoice, format: 'UBL' | 'CII'): Promise<string> {
  const data = toEn16931(inv);
  if (format === 'UBL' && (data['ubl:Invoice']['cac:AccountingCustomerParty']['cac:Party']['cbc:EndpointID'] === undefined
    || data['ubl:Invoice']['cac:AccountingSupplierParty']['cac:Party']['cbc:EndpointID'] === undefined)) {
    throw new EInvoiceError(`${inv.number}: UBL needs an electronic address for both parties (SIRET, SIREN or e-mail)`);
  }
  try {
    const xml = String(await new InvoiceService(silent).generate(data, { format, lang: 'fr-fr', noWarnings: true }));
    return format === 'CII' ? fixCii(xml, inv) : xml;
  } catch (err) {
    if (err instanceof EInvoiceError) throw err;
    throw new EInvoiceError(`${inv.number}: ${(err as Error).message}`);
  }
}

/** EN 16931 UBL 2.1 XML (an <Invoice>, or a <CreditNote> for a credit note). */
export function renderUbl(inv: StoredInvoice): Promise<string> {
  return generate(inv, 'UBL');
}

/** EN 16931 UN/CEFACT CII XML. */
export function renderCii(inv: StoredInvoice): Promise<string> {
  return generate(inv, 'CII');
}

/**
 * Factur-X (profile EN 16931): the PDF of render/pdf.ts with the CII XML embedded as factur-x.xml,
 * PDF/A-3 metadata added by the library. Pass embeddable fonts for a conforming PDF/A-3 (the
 * standard fonts are not embedded). The data is first validated by writing the CII (the library's
 * schema check), then the library's Factur-X writer runs with `fixCii` applied to its XML.
 */
export async function renderFacturX(inv: StoredInvoice, opts: { fonts?: PdfFonts; pdf?: Uint8Array } = {}): Promise<Uint8Array> {
  await renderCii(inv); // validates the data against the library's schema, as InvoiceService does
  const pdf = opts.pdf ?? await renderPdf(inv, opts.fonts === undefined ? {} : { fonts: opts.fonts });
  const format = 'factur-x-en16931';
  const writer = new FormatFactoryService().createFormatService(format, silent) as ReturnType<FormatFactoryService['createFormatService']>
    & { renderXML?: (data: object) => string };
  const render = writer.renderXML;
  if (typeof render !== 'function') throw new EInvoiceError('@e-invoice-eu/core changed: its Factur-X writer has no renderXML to fix the CII');
  writer.renderXML = (data: object) => fixCii(render.call(writer, data), inv);
  const data = toEn16931(inv);
  writer.fillInvoiceDefaults(data);
  try {
    const out = await writer.generate(data, { format, lang: 'fr-fr', noWarnings: true, pdf: { buffer: pdf, filename: `${inv.number}.pdf`, mimetype: 'application/pdf' } });
    if (typeof out === 'string') throw new EInvoiceError(`${inv.number}: the library returned XML, not a PDF`);
    return out;
  } catch (err) {
    if (err instanceof EInvoiceError) throw err;
    throw new EInvoiceError(`${inv.number}: ${(err as Error).message}`);
  }
}
