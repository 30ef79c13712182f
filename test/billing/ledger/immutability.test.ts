import { afterEach, describe, expect, it } from 'vitest';
import { consumer, line, openFixture, type Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

describe('an issued document never changes and is never deleted', () => {
  it('refuses UPDATE and DELETE of invoices and of their lines, and lines added to an older document', () => {
    fx = openFixture();
    const a = fx.ledger.issue({ account: { kind: 'person', id: fx.people.alice }, period: '2026-03', buyer: consumer(), lines: [line(), line({ code: 'x', quantity: 2, amountCents: 3000 })] });
    fx.ledger.issue({ account: { kind: 'person', id: fx.people.bob }, period: '2026-03', buyer: consumer('Bob'), lines: [line()] });
    const sql = fx.db.sqlite;
    expect(() => sql.prepare('UPDATE invoices SET total_ttc_cents = 1 WHERE id = ?').run(a.id)).toThrow(/invoice_immutable/);
    expect(() => sql.prepare('UPDATE invoices SET run_id = 7').run()).toThrow(/invoice_immutable/);
    expect(() => sql.prepare('DELETE FROM invoices WHERE id = ?').run(a.id)).toThrow(/invoice_immutable/);
    expect(() => sql.prepare('UPDATE invoice_lines SET amount_cents = 1 WHERE invoice_id = ?').run(a.id)).toThrow(/invoice_immutable/);
    expect(() => sql.prepare('DELETE FROM invoice_lines WHERE invoice_id = ?').run(a.id)).toThrow(/invoice_immutable/);
    expect(() => sql.prepare(`INSERT INTO invoice_lines (invoice_id, position, code, description, quantity_milli, unit, unit_price_cents, amount_cents, vat_rate_bp, vat_cents)
      VALUES (?, 9, 'x', 'x', 1000, 'unit', 100, 100, 2000, 20)`).run(a.id)).toThrow(/invoice_immutable/);
    // Through drizzle as well (it is the same SQLite).
    expect(() => sql.exec('DELETE FROM invoices')).toThrow(/invoice_immutable/);
    expect(fx.ledger.get(a.id)).toEqual(a);
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 2, missingTriggers: [] });
  });
});
