/**
 * Small builders for the rating tests. Every instant is written as an ISO string with its UTC
 * offset spelled out (+01:00 in winter, +02:00 in summer in Paris), so the arithmetic of each
 * test can be checked by hand without trusting the code under test.
 */
import { expect } from 'vitest';
import type { InvoiceLineInput } from '../../../controller/billing/lines.js';
import type {
  AccountUsage, BookingRecord, NetworkRecord, PersonRecord, PresenceRecord, SubscriptionRecord,
} from '../../../controller/billing/rating/types.js';
import { loadTariff } from '../../../controller/billing/tariff/load.js';
import type { Tariff } from '../../../controller/billing/tariff/schema.js';

export const PARIS = 'Europe/Paris';
export const tariff: Tariff = loadTariff();
/** A deep copy of the default tariff to change one price in a test. */
export const tariffWith = (change: (t: Tariff) => void): Tariff => {
  const t = structuredClone(tariff);
  change(t);
  return t;
};

export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad date in a test: ${iso}`);
  return ms;
};

let nextId = 1;
const id = () => nextId++;

export const ALICE: PersonRecord = { personId: 1, name: 'Alice Martin', kind: 'member' };
export const BOB: PersonRecord = { personId: 2, name: 'Bob Durand', kind: 'resident' };

export function session(from: string, to: string | null, personId = 1): PresenceRecord {
  return { id: id(), personId, startedAt: at(from), endedAt: to === null ? null : at(to) };
}

export function booking(
  resourceId: string, from: string, to: string,
  more: Partial<Pick<BookingRecord, 'status' | 'releasedAt' | 'personId' | 'kind' | 'resourceKind'>> = {},
): BookingRecord {
  const resourceKind = more.resourceKind ?? (resourceId.startsWith('room-') || resourceId.startsWith('booth-') ? 'room' : 'desk');
  return {
    id: id(), personId: 1, resourceId, resourceKind, kind: 'booking', status: 'confirmed',
    startsAt: at(from), endsAt: at(to), releasedAt: null, ...more,
  };
}

export function net(hour: string, bytes: number, personId = 1): NetworkRecord {
  return { id: id(), personId, hourStart: at(hour), bytes };
}

export function sub(planId: string, from: string | null, until: string | null = null, personId: number | null = 1): SubscriptionRecord {
  return { id: id(), personId, planId, from: from === null ? 0 : at(from), until: until === null ? null : at(until) };
}

/** One person's account for March 2026 unless told otherwise. */
export function usage(part: Partial<AccountUsage> = {}): AccountUsage {
  return {
    period: { year: 2026, month: 3 },
    timeZone: PARIS,
    account: { kind: 'person', id: 1 },
    people: [ALICE],
    subscriptions: [],
    presence: [],
    bookings: [],
    network: [],
    ...part,
  };
}

/** n whole days of 09:00–17:00 presence (8 h, above a day pass) from a March 2026 day on (winter time, +01:00). */
export function fullDays(firstDay: number, n: number, personId = 1): PresenceRecord[] {
  const out: PresenceRecord[] = [];
  for (let d = firstDay; d < firstDay + n; d++) {
    const dd = String(d).padStart(2, '0');
    const offset = d >= 29 ? '+02:00' : '+01:00'; // summer time from 29 March 2026
    out.push(session(`2026-03-${dd}T09:00:00${offset}`, `2026-03-${dd}T17:00:00${offset}`, personId));
  }
  return out;
}

/** The invariants every line keeps, whatever the test. */
export function expectWellFormed(lines: readonly InvoiceLineInput[]): void {
  for (const l of lines) {
    expect(Number.isInteger(l.amountCents), `${l.description}: amount in whole cents`).toBe(true);
    expect(Number.isInteger(l.unitPriceCents), `${l.description}: unit price in whole cents`).toBe(true);
    expect(Math.round(l.quantity * 1000) / 1000, `${l.description}: at most 3 decimals`).toBe(l.quantity);
    expect(l.vatRateBp).toBe(l.code === 'funded' ? 0 : 2000);
    if (l.code === 'funded') expect(l.amountCents).toBe(0);
    // The contract the ledger checks: amount = round(quantity × unit price), half away from zero, in integers.
    const milli = Math.round(l.quantity * 1000);
    expect(l.amountCents, l.description).toBe(Math.floor((milli * l.unitPriceCents + 500) / 1000));
  }
}

/** Lines reduced to what most tests compare. */
export const brief = (lines: readonly InvoiceLineInput[]) =>
  lines.map((l) => ({ code: l.code, personId: l.personId, quantity: l.quantity, unit: l.unit, unitPriceCents: l.unitPriceCents, amountCents: l.amountCents }));

export const total = (lines: readonly InvoiceLineInput[]) => lines.reduce((sum, l) => sum + l.amountCents, 0);
export const ids = (l: InvoiceLineInput | undefined) => (l?.evidence ?? []).map((e) => `${e.kind}:${e.id}`);
