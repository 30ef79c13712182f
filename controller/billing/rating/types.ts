/**
 * What the billing run hands to the rating, and what it gets back. Plain records, as read from
 * the database: the rating reads no clock, no database and no file.
 */
import type { InvoiceLineInput } from '../lines.js';
import type { PersonKind } from '../tariff/schema.js';

/** A calendar month in the building's time zone; month is 1–12. */
export interface BillingPeriod {
  year: number;
  month: number;
}

/** Who receives the invoice: one person, or a company billed for its people and its own subscriptions. */
export interface BillingAccount {
  kind: 'person' | 'company';
  id: number;
}

/** A person whose usage goes on this account (the person themself, or a company's people). */
export interface PersonRecord {
  personId: number;
  name: string;
  kind: PersonKind;
}

/**
 * A plan held from `from` (inclusive) until `until` (exclusive, null: still running), epoch ms.
 * personId null: the account's own subscription (a company's office).
 */
export interface SubscriptionRecord {
  id: number;
  personId: number | null;
  planId: string;
  from: number;
  until: number | null;
}

/** A presence_sessions row; endedAt null is a session still open, not billed until it ends. */
export interface PresenceRecord {
  id: number;
  personId: number;
  startedAt: number;
  endedAt: number | null;
}

/** A bookings row (the columns billing needs). */
export interface BookingRecord {
  id: number;
  /** The holder; null for a block. */
  personId: number | null;
  resourceId: string;
  /** 'room': priced per hour from the tariff's rooms; 'desk': counted as presence. */
  resourceKind: 'room' | 'desk';
  kind: 'booking' | 'block';
  status: 'confirmed' | 'cancelled' | 'released';
  startsAt: number;
  endsAt: number;
  /** When a no-show released it; the booking is billed for [startsAt, releasedAt) only. */
  releasedAt: number | null;
}

/** A person's bytes (rx + tx) in one hour of net_usage_hourly. */
export interface NetworkRecord {
  /** A stable id of the row, for evidence and for the run's tracking of billed records. */
  id: number;
  personId: number;
  /** Epoch ms of the start of the (UTC) hour; for a day's total, the local midnight that starts the day. */
  hourStart: number;
  bytes: number;
  /** 'day': the record sums a person's bytes of one local day (id: the local day's number), as the run reads them. */
  span?: 'hour' | 'day';
}

/** Everything rated for one account and one period. */
export interface AccountUsage {
  period: BillingPeriod;
  /** IANA time zone of the building: days and months are cut at its local midnights. */
  timeZone: string;
  account: BillingAccount;
  people: readonly PersonRecord[];
  subscriptions: readonly SubscriptionRecord[];
  presence: readonly PresenceRecord[];
  bookings: readonly BookingRecord[];
  network: readonly NetworkRecord[];
}

/**
 * Late usage: records of an earlier, already-invoiced period that arrived after its invoice.
 * `period` is that earlier period; presence, bookings and network hold only the late records;
 * people and subscriptions are as for a normal rating of that period (they set each day's plan).
 */
export interface LateUsage extends AccountUsage {
  /**
   * Bytes per person already rated for that period (the sum of the net rows billed then), so that
   * late bytes are charged only for what goes beyond the allowance. Missing: 0 bytes.
   */
  earlierNetworkBytes?: ReadonlyArray<{ personId: number; bytes: number }>;
}

/**
 * The ids of the records a rating took into account, whether they ended up on a line, priced at
 * zero, or not billed by a rule (a day under the minimum, a cancelled booking, a staff member).
 * The run stores them with the period, as (record, period) pairs: a session or a booking that
 * crosses the month's end is rated in both months, for its part in each. Records of a past period
 * not stored for it are the ones to hand to `rateLateUsage` later. Records outside the period, open
 * sessions and records that could not be rated (see warnings) are left out, to be picked up later.
 */
export interface RatedRecords {
  presenceSessionIds: number[];
  bookingIds: number[];
  netHourlyIds: number[];
  subscriptionIds: number[];
}

export interface RatingResult {
  lines: InvoiceLineInput[];
  rated: RatedRecords;
  /** Records the rating could not use (a person not on the account, a room with no price…). */
  warnings: string[];
}
