import Type, { type Static } from 'typebox';

/**
 * The tariff file: every price the rating applies, in integer cents excluding VAT (HT).
 * One file per revision; the rating takes a validated `Tariff` and never reads a file itself.
 * The rules behind each field are in docs/billing-rating.md.
 */
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' });
const Name = Type.String({ minLength: 1, maxLength: 120 });
/** Integer cents excluding VAT; 100 000 € is far above any price of the centre. */
const Cents = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const strict = { additionalProperties: false } as const;

export const BILLING_MODES = ['monthly', 'pay-as-you-go', 'funded', 'none'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

export const PERSON_KINDS = ['member', 'resident', 'trainee', 'staff', 'visitor'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export const Plan = Type.Object({
  id: Id,
  /** Printed on the invoice, in French. */
  name: Name,
  /**
   * monthly: a fee per month, presence and desk bookings included;
   * pay-as-you-go: no fee, presence billed by hours, day passes and cards;
   * funded: everything listed at zero (code `funded`, VAT 0); none: not billed at all.
   */
  billing: Type.Enum(BILLING_MODES),
  monthlyFeeCents: Cents,
  /** Meeting-room hours included per person and per month (prorated by days of the plan). */
  includedRoomHours: Type.Integer({ minimum: 0, maximum: 744 }),
  /** Network bytes included per person and per month, in GB of 10^9 bytes (prorated by days). */
  networkAllowanceGB: Type.Integer({ minimum: 0, maximum: 100_000 }),
  /** A company's subscription to this plan (an office) covers its people's presence and allowances. */
  coversCompanyPeople: Type.Boolean(),
  /** The private office the plan rents, a zone of the building file. */
  officeZone: Type.Optional(Id),
}, strict);

export const Room = Type.Object({
  /** A bookable resource of kind 'room' (the building file's booking.resources id). */
  resourceId: Id,
  name: Name,
  /** Price of an hour, billed in blocks (`blockMinutes`): a multiple of 60 / blockMinutes. */
  hourlyCents: Cents,
}, strict);

export const Tariff = Type.Object({
  schemaVersion: Type.Literal(1),
  revision: Type.Integer({ minimum: 1, description: 'Bumped at every edit of the tariff' }),
  /** First local day (building time zone) the tariff applies to; a run takes the latest one in effect. */
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  currency: Type.Literal('EUR'),
  /** VAT rate of every priced line, in basis points: 2000 is 20 %. Funded lines carry 0. */
  vatRateBp: Type.Integer({ minimum: 0, maximum: 10_000 }),
  /** Hours (presence, rooms) are counted in blocks of this many minutes, rounded up. */
  blockMinutes: Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(60)]),
  payAsYouGo: Type.Object({
    hourlyCents: Cents,
    dayPassCents: Cents,
    /** A local day is billed only when presence that day reaches this many minutes. */
    dayMinimumMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
    tenDayCard: Type.Object({
      priceCents: Cents,
      /** Days of one month one card covers. */
      days: Type.Integer({ minimum: 1, maximum: 31 }),
    }, strict),
    /** A monthly plan whose fee caps a pay-as-you-go month (prorated by its pay-as-you-go days). */
    capPlanId: Id,
  }, strict),
  network: Type.Object({
    /** Price of a GB (10^9 bytes) beyond the allowance; billed per started MB (0.001 GB). */
    overageCentsPerGB: Cents,
  }, strict),
  rooms: Type.Array(Room),
  plans: Type.Array(Plan, { minItems: 1 }),
  /** The plan of a person on a day no subscription of theirs (or of their company's office) covers. */
  defaultPlans: Type.Object({
    member: Id, resident: Id, trainee: Id, staff: Id, visitor: Id,
  }, strict),
}, strict);

export type Tariff = Static<typeof Tariff>;
export type Plan = Static<typeof Plan>;
export type Room = Static<typeof Room>;
