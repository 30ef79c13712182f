import { afterEach, describe, expect, it } from 'vitest';
import { LedgerError } from '../../../controller/billing/ledger/index.js';
import { business, consumer, line, openFixture, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return err instanceof LedgerError ? err.code : (err as Error).message;
  }
  return 'none';
};

describe('credit notes', () => {
  it('reference the invoice, carry negative amounts, are chained and numbered in the same series', () => {
    fx = openFixture();
    const inv = fx.ledger.issue({
      account: { kind: 'company', id: fx.company }, period: '2026-03', buyer: business(),
      lines: [line({ quantity: 3, amountCents: 4500 }), line({ code: 'room-hours', description: 'Salle Lunéville', quantity: 2, unit: 'hour', unitPriceCents: 2500, amountCents: 5000, vatRateBp: 550 })],
    });
    const other = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer(), lines: [line()] });
    fx.now.t += 3_600_000;
    const cn = fx.ledger.creditNote(inv.id, [line({ quantity: 1, amountCents: 1500 })], 'Journée facturée en double');
    expect(cn).toMatchObject({
      number: '2026-000003', docType: 'credit_note', account: inv.account, period: '2026-03', dueDate: null, terms: null,
      credited: { id: inv.id, number: inv.number, issueDate: inv.issueDate }, reason: 'Journée facturée en double',
      prevHash: other.hash, buyer: inv.buyer,
    });
    expect(cn.lines).toEqual([expect.objectContaining({ quantityMilli: -1000, unitPriceCents: 1500, amountCents: -1500, vatCents: -300 })]);
    expect(cn.totals).toEqual({ htCents: -1500, vatCents: -300, ttcCents: -1800 });
    expect(fx.ledger.creditable(inv.id)?.ttcCents).toBe(inv.totals.ttcCents - 1800);

    // What is left can be credited, not more: in total, and per VAT rate.
    expect(codeOf(() => fx!.ledger.creditNote(inv.id, [line({ code: 'room-hours', quantity: 3, unit: 'hour', unitPriceCents: 2500, amountCents: 7500, vatRateBp: 550 })], 'trop'))).toBe('over_credit');
    expect(codeOf(() => fx!.ledger.creditNote(inv.id, 'full', 'annulation'))).toBe('over_credit');
    expect(codeOf(() => fx!.ledger.creditNote(inv.id, [line({ quantity: 1, amountCents: 1500, vatRateBp: 1000 })], 'taux absent'))).toBe('over_credit');
    const rest = fx.ledger.creditNote(inv.id, [
      line({ quantity: 2, amountCents: 3000 }),
      line({ code: 'room-hours', quantity: 2, unit: 'hour', unitPriceCents: 2500, amountCents: 5000, vatRateBp: 550 }),
    ], 'Résiliation');
    expect(fx.ledger.creditable(inv.id)?.ttcCents).toBe(0);
    expect(rest.totals.ttcCents + cn.totals.ttcCents).toBe(-inv.totals.ttcCents);
    expect(codeOf(() => fx!.ledger.creditNote(inv.id, [line({ quantity: 0.001, unitPriceCents: 1000, amountCents: 1 })], 'un centime'))).toBe('over_credit');

    // A credit note is not credited; an unknown invoice is not found; a reason is required.
    expect(codeOf(() => fx!.ledger.creditNote(cn.id, 'full', 'x'))).toBe('not_creditable');
    expect(codeOf(() => fx!.ledger.creditNote(9999, 'full', 'x'))).toBe('not_found');
    expect(codeOf(() => fx!.ledger.creditNote(other.id, 'full', ' '))).toMatch(/reason/);
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 4 });
  });

  it("credits a whole invoice with 'full', and the invoice for the period is still the only invoice", () => {
    fx = openFixture();
    const account = { kind: 'person' as const, id: fx.people.alice };
    const inv = fx.ledger.issue({ account, period: '2026-03', buyer: consumer(), lines: [line({ quantity: 1.5, unit: 'hour', unitPriceCents: 333, amountCents: 500 }), line()] });
    const cn = fx.ledger.creditNote(inv.id, 'full', 'Facture émise par erreur');
    expect(cn.totals).toEqual({ htCents: -inv.totals.htCents, vatCents: -inv.totals.vatCents, ttcCents: -inv.totals.ttcCents });
    expect(cn.lines.map((l) => [l.quantityMilli, l.amountCents, l.evidence])).toEqual(inv.lines.map((l) => [-l.quantityMilli, -l.amountCents, l.evidence]));
    expect(fx.ledger.findForPeriod(account, '2026-03')?.id).toBe(inv.id);
    expect(fx.ledger.creditable(inv.id)?.ttcCents).toBe(0);
  });
});
