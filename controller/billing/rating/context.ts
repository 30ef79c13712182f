/** What the parts of a rating share: the context of one account's rating, and a few rules on records. */
import type { InvoiceLineInput } from '../lines.js';
import type { Plan, Room, Tariff } from '../tariff/schema.js';
import type { MonthCalendar } from './calendar.js';
import type { BookingRecord, NetworkRecord, PresenceRecord, RatedRecords } from './types.js';

export const MINUTE_MS = 60_000; // 1 min
export const BYTES_PER_GB = 1_000_000_000; // decimal GB, as network operators count
export const BYTES_PER_MB = 1_000_000; // overage is billed per started MB (0.001 GB)
export const DASH = ' — ';

/** A subscription names a plan the tariff does not have: the tariff or the data must be fixed first. */
export class RatingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RatingError';
  }
}

export interface Ctx {
  tariff: Tariff;
  cal: MonthCalendar;
  plans: Map<string, Plan>;
  rooms: Map<string, Room>;
  blockMs: number;
  blocksPerHour: number;
  /** Pay-as-you-go price of one block. */
  blockCents: number;
  late: boolean;
  /** 'Régularisation mars 2026 — ' for late usage, '' otherwise. */
  latePrefix: string;
  company: boolean;
  warnings: string[];
  rated: RatedRecords;
  lines: InvoiceLineInput[];
}

export interface PersonRecords {
  presence: PresenceRecord[];
  bookings: BookingRecord[];
  network: NetworkRecord[];
}

export function push(ctx: Ctx, line: Omit<InvoiceLineInput, 'vatRateBp'>, funded = false): void {
  ctx.lines.push({ ...line, vatRateBp: funded ? 0 : ctx.tariff.vatRateBp });
}

/** The part of a booking that is billed: nothing if cancelled, up to the release if released. */
export function billedSpan(b: BookingRecord, warnings: string[]): [number, number] | null {
  if (b.kind !== 'booking' || b.status === 'cancelled') return null;
  if (b.status === 'released') {
    if (b.releasedAt === null) { warnings.push(`booking ${b.id} is released but has no release time: not billed`); return null; }
    return [b.startsAt, Math.min(b.endsAt, Math.max(b.startsAt, b.releasedAt))];
  }
  return [b.startsAt, b.endsAt];
}

/** Does the record's own span touch the month? (what decides whether this rating takes it) */
export const touches = (cal: MonthCalendar, from: number, to: number): boolean =>
  from < cal.end && (to > cal.start || (to === from && from >= cal.start));
