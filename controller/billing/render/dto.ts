import Type, { type Static } from 'typebox';
import { milliToDecimal } from '../ledger/money.js';
import type { StoredInvoice } from '../ledger/model.js';

/**
 * The invoice as the HTTP API answers it: amounts in integer cents, quantities as decimal strings
 * with 3 decimals ("1.500"), dates YYYY-MM-DD. The schema is for the route's response (OpenAPI).
 */
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Cents = Type.Integer({ description: 'euro cents' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Address = Type.Object({
  lines: Type.Array(Type.String()), postcode: Nullable(Type.String()), city: Nullable(Type.String()), country: Type.String(),
});

export const InvoiceDtoSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String({ examples: ['2026-000042'] }),
  type: Type.Enum(['invoice', 'credit_note']),
  specimen: Type.Boolean({ description: 'Issued while the seller identity was incomplete: no fiscal value' }),
  account: Type.Object({ kind: Type.Enum(['person', 'company']), id: Type.Integer() }),
  period: Nullable(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
  issueDate: Day,
  dueDate: Nullable(Day),
  currency: Type.Literal('EUR'),
  seller: Type.Object({
    name: Type.String(), legalForm: Nullable(Type.String()), address: Address, siren: Nullable(Type.String()), siret: Nullable(Type.String()),
    vatNumber: Nullable(Type.String()), iban: Nullable(Type.String()), bic: Nullable(Type.String()), email: Nullable(Type.String()),
  }),
  buyer: Type.Object({
    name: Type.String(), address: Address, email: Nullable(Type.String()), siren: Nullable(Type.String()), siret: Nullable(Type.String()),
    vatNumber: Nullable(Type.String()), isBusiness: Type.Boolean(),
  }),
  terms: Nullable(Type.Object({
    dueDays: Type.Integer(), latePenalty: Type.String(), recoveryIndemnityCents: Nullable(Cents), earlyPaymentDiscount: Type.String(),
  })),
  totals: Type.Object({ htCents: Cents, vatCents: Cents, ttcCents: Cents }),
  vatBreakdown: Type.Array(Type.Object({ rateBp: Type.Integer({ description: '2000 is 20 %' }), baseCents: Cents, vatCents: Cents })),
  credited: Nullable(Type.Object({ id: Type.Integer(), number: Type.String(), issueDate: Day })),
  reason: Nullable(Type.String()),
  lines: Type.Array(Type.Object({
    position: Type.Integer(),
    code: Type.String(),
    description: Type.String(),
    personId: Nullable(Type.Integer()),
    quantity: Type.String({ pattern: '^-?\\d+\\.\\d{3}$', examples: ['1.500'] }),
    unit: Type.Enum(['day', 'hour', 'month', 'GB', 'card', 'unit']),
    unitPriceCents: Cents,
    amountCents: Cents,
    vatRateBp: Type.Integer(),
    vatCents: Cents,
    evidence: Type.Array(Type.Object({ kind: Type.Enum(['presence_session', 'booking', 'net_hourly', 'net_daily', 'subscription']), id: Type.Integer() })),
  })),
  hash: Type.String({ description: 'SHA-256 of this document chained to the previous one' }),
  prevHash: Type.String(),
  createdAt: Type.Integer({ description: 'milliseconds since 1970-01-01 UTC' }),
  runId: Nullable(Type.Integer()),
});
export type InvoiceDto = Static<typeof InvoiceDtoSchema>;

export function toInvoiceDto(inv: StoredInvoice): InvoiceDto {
  return {
    id: inv.id,
    number: inv.number,
    type: inv.docType,
    specimen: inv.specimen,
    account: { ...inv.account },
    period: inv.period,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    currency: inv.currency,
    seller: { ...inv.seller, address: { ...inv.seller.address, lines: [...inv.seller.address.lines] } },
    buyer: { ...inv.buyer, address: { ...inv.buyer.address, lines: [...inv.buyer.address.lines] } },
    terms: inv.terms === null ? null : { ...inv.terms },
    totals: { ...inv.totals },
    vatBreakdown: inv.vatBreakdown.map((e) => ({ ...e })),
    credited: inv.credited === null ? null : { ...inv.credited },
    reason: inv.reason,
    lines: inv.lines.map((l) => ({
      position: l.position,
      code: l.code,
      description: l.description,
      personId: l.personId,
      quantity: milliToDecimal(l.quantityMilli),
      unit: l.unit,
      unitPriceCents: l.unitPriceCents,
      amountCents: l.amountCents,
      vatRateBp: l.vatRateBp,
      vatCents: l.vatCents,
      evidence: l.evidence.map((e) => ({ ...e })),
    })),
    hash: inv.hash,
    prevHash: inv.prevHash,
    createdAt: inv.createdAt,
    runId: inv.runId,
  };
}
