import { afterEach, describe, expect, it } from 'vitest';
import { divRound, GENESIS_HASH, LedgerError, vatOf } from '../../../controller/billing/ledger/index.js';
import { APRIL_1, business, consumer, line, openFixture, unsetSeller, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const DAY = 86_400_000;

describe('VAT rounding', () => {
  it('rounds half away from zero, per line, in integers', () => {
    expect(divRound(5, 10)).toBe(1);
    expect(divRound(-5, 10)).toBe(-1);
    expect(divRound(4, 10)).toBe(0);
    expect(divRound(-4, 10)).toBe(0);
    expect(Object.is(divRound(-4, 10), -0)).toBe(false);
    expect(vatOf(1234, 2000)).toBe(247); // 246.8
    expect(vatOf(1232, 2000)).toBe(246); // 246.4
    expect(vatOf(1_0025, 2000)).toBe(2005); // 2005.0
    expect(vatOf(2_5, 2000)).toBe(5); // 5.0
    expect(vatOf(1_2_5, 1000)).toBe(13); // 12.5 → 13
    expect(vatOf(-125, 1000)).toBe(-13); // -12.5 → -13
    expect(vatOf(999, 550)).toBe(55); // 54.945 → 55
    expect(vatOf(1_000_000_00, 2000)).toBe(200_000_00); // €1,000,000.00 at 20 %
  });
});

describe('issuing an invoice', () => {
  it('computes VAT per line, totals per rate, and numbers, dates and chains it', () => {
    fx = openFixture();
    const inv = fx.ledger.issue({
      account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer(),
      lines: [
        line({ code: 'hourly', description: 'Heures coworking', quantity: 2.25, unit: 'hour', unitPriceCents: 417, amountCents: 938 }), // 938.25 → 938; VAT 187.6 → 188
        line({ code: 'day-pass', quantity: 3, unitPriceCents: 1234, amountCents: 3702 }), // VAT 740.4 → 740
        line({ code: 'training', description: 'Accès formation (financé)', quantity: 4, unitPriceCents: 0, amountCents: 0, vatRateBp: 0 }),
        line({ code: 'room-hours', description: 'Salle Baccarat', quantity: 1.5, unit: 'hour', unitPriceCents: 2001, amountCents: 3002, vatRateBp: 550 }), // 3001.5 → 3002; VAT 165.11 → 165
      ],
    });
    expect(inv.number).toBe('2026-000001');
    expect([inv.year, inv.seq, inv.docType, inv.issueDate, inv.dueDate]).toEqual([2026, 1, 'invoice', '2026-04-01', '2026-05-01']);
    expect(inv.lines.map((l) => [l.position, l.quantityMilli, l.amountCents, l.vatCents])).toEqual([
      [1, 2250, 938, 188], [2, 3000, 3702, 740], [3, 4000, 0, 0], [4, 1500, 3002, 165],
    ]);
    expect(inv.vatBreakdown).toEqual([
      { rateBp: 2000, baseCents: 4640, vatCents: 928 },
      { rateBp: 550, baseCents: 3002, vatCents: 165 },
      { rateBp: 0, baseCents: 0, vatCents: 0 },
    ]);
    expect(inv.totals).toEqual({ htCents: 7642, vatCents: 1093, ttcCents: 8735 });
    expect(inv.prevHash).toBe(GENESIS_HASH);
    expect(inv.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(inv.specimen).toBe(false);
    expect(inv.seller.siret).toBe('12345678200010');
    expect(inv.terms).toMatchObject({ dueDays: 30, recoveryIndemnityCents: null });
    expect(fx.ledger.get(inv.id)).toEqual(inv);
  });

  it('puts the €40 indemnity in the terms of a business buyer only', () => {
    fx = openFixture();
    const b = fx.ledger.issue({ account: { kind: 'company', id: fx.company }, period: '2026-03', buyer: business(), lines: [line()] });
    expect(b.terms?.recoveryIndemnityCents).toBe(4000);
  });

  it('chains each document to the one before and keeps one gap-free series per calendar year', () => {
    fx = openFixture({ at: Date.UTC(2026, 11, 31, 12) });
    const a = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-11', buyer: consumer(), lines: [line()] });
    const b = fx.ledger.issue({ account: { kind: 'person', id: fx.people.bob }, period: '2026-11', buyer: consumer('Bob'), lines: [line()] });
    fx.now.t = Date.UTC(2026, 11, 31, 23, 30); // 00:30 on 1 January in Paris
    const c = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-12', buyer: consumer(), lines: [line()] });
    expect([a.number, b.number, c.number]).toEqual(['2026-000001', '2026-000002', '2027-000001']);
    expect(c.issueDate).toBe('2027-01-01');
    expect(b.prevHash).toBe(a.hash);
    expect(c.prevHash).toBe(b.hash);
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 3, lastHash: c.hash });
  });

  it('refuses a second invoice for the same account and period, without taking a number', () => {
    fx = openFixture();
    const account = { kind: 'person' as const, id: fx.people.alice };
    const first = fx.ledger.issue({ account, period: '2026-03', buyer: consumer(), lines: [line()] });
    const again = () => fx!.ledger.issue({ account, period: '2026-03', buyer: consumer(), lines: [line({ quantity: 2, amountCents: 3000 })] });
    expect(again).toThrow(LedgerError);
    try {
      again();
    } catch (err) {
      expect((err as LedgerError).code).toBe('already_issued');
      expect((err as LedgerError).existing?.number).toBe(first.number);
    }
    // Another period, or the same period for another account, are fine; the series has no hole.
    const next = fx.ledger.issue({ account, period: '2026-04', buyer: consumer(), lines: [line()] });
    expect(next.number).toBe('2026-000002');
    expect(fx.ledger.findForPeriod(account, '2026-03')?.id).toBe(first.id);
    // The database enforces it too, whatever the code does.
    expect(() => fx!.db.sqlite.prepare(`INSERT INTO invoices (number, year, seq, doc_type, account_kind, account_id, period, issue_date, seller, buyer,
      total_ht_cents, total_vat_cents, total_ttc_cents, vat_breakdown, specimen, prev_hash, hash, created_at)
      VALUES ('x', 2026, 99, 'invoice', 'person', ?, '2026-03', '2026-04-01', '{}', '{}', 0, 0, 0, '[]', 0, 'p', 'h', 0)`).run(fx!.people.alice))
      .toThrow(/UNIQUE constraint failed/);
  });

  it('refuses lines that break the rating contract, negative totals, and a clock going back', () => {
    fx = openFixture();
    const account = { kind: 'person' as const, id: fx.people.alice };
    const issue = (lines: ReturnType<typeof line>[], period = '2026-03') => () => fx!.ledger.issue({ account, period, buyer: consumer(), lines });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as LedgerError).code;
      }
      return 'none';
    };
    expect(code(issue([]))).toBe('no_lines');
    expect(code(issue([line({ quantity: 1.0001, amountCents: 1500 })]))).toBe('invalid_line');
    expect(code(issue([line({ quantity: 2, amountCents: 2999 })]))).toBe('invalid_line');
    expect(code(issue([line({ unitPriceCents: 10.5, amountCents: 11 })]))).toBe('invalid_line');
    expect(code(issue([line({ vatRateBp: 20 * 1.5 + 0.5 })]))).toBe('invalid_line');
    expect(code(issue([line({ unit: 'week' as never })]))).toBe('invalid_line');
    expect(code(issue([line({ unitPriceCents: -1500, amountCents: -1500 })]))).toBe('negative_total');
    expect(issue([line(), line({ code: 'discount', description: 'Remise', unitPriceCents: -500, amountCents: -500 })])().totals.htCents).toBe(1000);
    fx.now.t = APRIL_1 - 2 * DAY;
    expect(code(issue([line()], '2026-02'))).toBe('clock_backwards');
    expect(fx.ledger.verifyChain().documents).toBe(1);
  });

  it('marks every document a specimen while the seller is not configured', () => {
    fx = openFixture({ seller: unsetSeller() });
    expect(fx.ledger.seller.specimen).toBe(true);
    const inv = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer(), lines: [line()] });
    expect(inv.specimen).toBe(true);
    expect(inv.seller.name).toBe('Vendeur non configuré');
  });

  it('gives the buyer of an account from its billing identity, or from the person or company', () => {
    fx = openFixture();
    expect(fx.accounts.buyerFor({ kind: 'person', id: fx.people.alice })).toMatchObject({ name: 'Alice Martin', email: 'alice@example.org', isBusiness: false });
    expect(fx.accounts.buyerFor({ kind: 'company', id: fx.company })).toMatchObject({ name: 'Atelier Vezouze SARL', isBusiness: true });
    fx.accounts.set({ account: { kind: 'company', id: fx.company }, legalName: 'Atelier Vezouze SARL', addressLines: ['12 avenue de la Vezouze'], postcode: '54300', city: 'Lunéville', siren: '552 100 554', vatNumber: 'FR96552100554' });
    fx.accounts.set({ account: { kind: 'company', id: fx.company }, legalName: 'Atelier Vezouze SAS', siren: '552100554' });
    expect(fx.accounts.buyerFor({ kind: 'company', id: fx.company })).toMatchObject({ name: 'Atelier Vezouze SAS', siren: '552100554', isBusiness: true });
    expect(() => fx!.accounts.set({ account: { kind: 'person', id: fx!.people.bob }, legalName: 'Bob', siren: '123456789' })).toThrow(/invalid SIREN/);
    expect(() => fx!.accounts.buyerFor({ kind: 'person', id: 999 })).toThrow(/no person/);
  });
});
