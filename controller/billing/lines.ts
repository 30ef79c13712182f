/**
 * What rating hands to the ledger: one billable line, before it is numbered into an invoice.
 * The seam between `billing/rating` (pure: usage → lines) and `billing/ledger` (numbering,
 * chaining, rendering). Amounts are integer cents, excluding VAT (HT).
 */

/** A usage record a line was computed from; a manager or the member can follow it back. */
export interface Evidence {
  /**
   * net_hourly: id = the hour's number since the epoch (one row of net_usage_hourly, the person being the line's);
   * net_daily: id = the local day's number since 1970-01-01 (that day's rows, summed).
   */
  kind: 'presence_session' | 'booking' | 'net_hourly' | 'net_daily' | 'subscription';
  id: number;
}

export type LineUnit = 'day' | 'hour' | 'month' | 'GB' | 'card' | 'unit';

export interface InvoiceLineInput {
  /** Tariff item code: 'day-pass', 'ten-day-card', 'hourly', 'plan:hot-desk', 'room-hours', 'network-overage'… */
  code: string;
  /** The label printed on the invoice, in French. */
  description: string;
  /** Whose usage this is (company invoices list their people's lines); null for account-wide lines. */
  personId: number | null;
  /** In `unit`, at most 3 decimals (prorated months, quarter hours). */
  quantity: number;
  unit: LineUnit;
  /** Price of one unit, excluding VAT, in cents. */
  unitPriceCents: number;
  /** round(quantity × unitPriceCents), half away from zero; excluding VAT, in cents. */
  amountCents: number;
  /** VAT rate in basis points: 2000 is 20 %, 0 for funded (zero-priced) lines. */
  vatRateBp: number;
  evidence: Evidence[];
}
