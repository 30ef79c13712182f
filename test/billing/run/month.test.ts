import { afterEach, describe, expect, it } from 'vitest';
import { invoiceEvidence } from '../../../controller/billing/evidence.js';
import { SPECIMEN_TEXT } from '../../../controller/billing/ledger/index.js';
import { emptySeller, expected, linesOf, openRunFixture, TZ, type RunFixture } from './helpers.js';
import { nov, seedNovember } from './november.js';

let fx: RunFixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const vat20 = (cents: number) => Math.floor((cents * 2000 + 5000) / 10_000); // round(amount × 20 %), half up (amounts ≥ 0)

describe('a simulated November 2026 of the Ménil-Flin building', () => {
  it('previews, then issues the invoices computed by hand: lines, HT, VAT per line, TTC, one gap-free series', () => {
    fx = openRunFixture();
    const month = seedNovember(fx);
    const { ids } = month;

    // The preview issues nothing and shows the same lines the run will issue.
    const preview = fx.runner.preview('2026-11');
    expect(fx.invoices()).toEqual([]);
    for (const want of month.invoices) {
      const bill = preview.find((p) => p.account.kind === want.account.kind && p.account.id === want.account.id);
      expect(bill?.lines.map((l) => l.description), want.who).toEqual(want.lines.map((l) => l.description));
    }

    const summary = fx.run('2026-11'); // on 1 December 2026 at 02:00
    expect(summary).toMatchObject({ period: '2026-11', trigger: 'manual', issued: 7, alreadyIssued: 0, nothingToBill: 1, warnings: [] });

    const invoices = fx.invoices();
    // One series for the year, in issue order, no gap: 2026-000001 … 2026-000007.
    expect(invoices.map((i) => i.number)).toEqual(['000001', '000002', '000003', '000004', '000005', '000006', '000007'].map((n) => `2026-${n}`));
    expect(invoices.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const inv of invoices) {
      expect(inv).toMatchObject({ docType: 'invoice', period: '2026-11', issueDate: '2026-12-01', dueDate: '2026-12-31', specimen: false, runId: summary.runId });
    }

    for (const want of month.invoices) {
      const inv = fx.invoiceOf(want.account, '2026-11');
      expect(inv, want.who).toBeDefined();
      expect(linesOf(inv!), want.who).toEqual(expected(want.lines));
      expect(inv!.totals, want.who).toEqual({ htCents: want.ht, vatCents: want.vat, ttcCents: want.ttc });
      // The hand totals are the sums of the hand lines, and each line's VAT is 20 % of it (0 on funded lines).
      expect(want.lines.reduce((s, l) => s + l.amountCents, 0), want.who).toBe(want.ht);
      expect(want.lines.reduce((s, l) => s + l.vatCents, 0), want.who).toBe(want.vat);
      for (const l of inv!.lines) expect(l.vatCents, `${want.who}: ${l.description}`).toBe(l.vatRateBp === 0 ? 0 : vat20(l.amountCents));
      for (const l of inv!.lines) expect(l.vatRateBp, `${want.who}: ${l.description}`).toBe(l.code === 'funded' ? 0 : 2000);
    }
    // Every issued invoice is one of those computed by hand: staff and a nothing-to-bill nomad have none.
    expect(invoices).toHaveLength(month.invoices.length);
    expect(fx.invoiceOf({ kind: 'person', id: ids.sam }, '2026-11')).toBeUndefined();
    expect(fx.invoiceOf({ kind: 'person', id: ids.quentin }, '2026-11')).toBeUndefined();
    // Residents are billed through their company, never on their own.
    expect(fx.invoiceOf({ kind: 'person', id: ids.remi }, '2026-11')).toBeUndefined();

    // VAT breakdown: one rate (20 %) on priced invoices, 0 % on the trainee's.
    const hugo = fx.invoiceOf({ kind: 'person', id: ids.hugo }, '2026-11')!;
    expect(hugo.vatBreakdown).toEqual([{ rateBp: 2000, baseCents: 22117, vatCents: 4423 }]);
    const theo = fx.invoiceOf({ kind: 'person', id: ids.theo }, '2026-11')!;
    expect(theo.vatBreakdown).toEqual([{ rateBp: 0, baseCents: 0, vatCents: 0 }]);
    // Buyers: a company is a business buyer (the 40 € recovery indemnity), a member a consumer.
    const company = fx.invoiceOf({ kind: 'company', id: ids.company }, '2026-11')!;
    expect(company.buyer).toMatchObject({ name: 'Atelier Vezouze SARL', isBusiness: true });
    expect(company.terms?.recoveryIndemnityCents).toBe(4000);
    expect(hugo.buyer).toMatchObject({ name: 'Hugo Bernard', isBusiness: false });
    expect(hugo.terms?.recoveryIndemnityCents).toBeNull();

    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 7 });
  });

  it("links every line to records that exist, belong to the line's person and touch November", () => {
    fx = openRunFixture();
    const month = seedNovember(fx);
    fx.run('2026-11');
    const from = Date.parse(nov(1, '00:00'));
    const to = Date.parse('2026-12-01T00:00:00+01:00');
    for (const inv of fx.invoices()) {
      for (const line of invoiceEvidence(fx.sqlite, inv, TZ)) {
        const what = `${inv.number} ${line.description}`;
        expect(line.records.length, what).toBeGreaterThan(0);
        for (const r of line.records) {
          expect(r.kind, what).not.toBe('missing');
          if (r.kind === 'presence_session') {
            expect(r.personId, what).toBe(line.personId);
            expect(r.startedAt < to && (r.endedAt ?? 0) > from, what).toBe(true);
          }
          if (r.kind === 'booking') expect(r.startsAt < to && r.endsAt > from, what).toBe(true);
          if (r.kind === 'net_hourly') expect(r.hour >= from && r.hour < to, what).toBe(true);
          if (r.kind === 'net_daily') expect(r.date.startsWith('2026-11') && r.hours.length > 0, what).toBe(true);
        }
      }
    }
    // The session behind Hugo's no-show line shows its release.
    const hugo = fx.invoiceOf({ kind: 'person', id: month.ids.hugo }, '2026-11')!;
    const baccarat = invoiceEvidence(fx.sqlite, hugo, TZ).find((l) => l.description.startsWith('Salle Baccarat'))!;
    expect(baccarat.records).toContainEqual(expect.objectContaining({ kind: 'booking', id: month.records.hugo.noShow, status: 'released' }));
  });

  it('marks what November rated, so that nothing is billed twice: sessions, bookings and bytes per period', () => {
    fx = openRunFixture();
    const month = seedNovember(fx);
    const { ids, records: r } = month;
    fx.run('2026-11');
    const rated = (source: string) => (fx!.sqlite.prepare('SELECT record_id AS id FROM rated_records WHERE source = ? AND period = ? ORDER BY record_id')
      .all(source, '2026-11') as Array<{ id: number }>).map((x) => x.id);
    const sessions = (fx.sqlite.prepare(`SELECT s.id FROM presence_sessions s JOIN people p ON p.id = s.person_id
      WHERE p.kind != 'staff' AND s.ended_at IS NOT NULL AND s.started_at < ? AND s.ended_at > ? ORDER BY s.id`)
      .all(Date.parse('2026-12-01T00:00:00+01:00'), Date.parse(nov(1, '00:00'))) as Array<{ id: number }>).map((x) => x.id);
    // Every ended session of November of a billed person, including those under the day minimum (Nina's 2nd,
    // Quentin's visit), and none of staff, of October or December, nor the session still open.
    expect(rated('presence_session')).toEqual(sessions);
    expect(rated('presence_session')).toContain(r.nina.short);
    expect(rated('presence_session')).toContain(r.quentinVisit);
    expect(rated('presence_session')).toContain(r.nina.monthEnd);
    expect(rated('presence_session')).not.toContain(r.ninaDecember);
    expect(rated('presence_session')).not.toContain(r.carlOpen);
    // Bookings: the desk, the rooms and the no-show; not the cancelled one, the staff block or staff's room.
    expect(rated('booking')).toContain(r.nina.desk);
    expect(rated('booking')).toContain(r.hugo.noShow);
    expect(rated('booking')).not.toContain(r.hugo.cancelled);
    expect(rated('booking')).toHaveLength(8); // desk, Hugo × 3, Marie, Rémi, Rose, Théo's booth
    // Bytes rated per person for November (Quentin's too, with no invoice); staff's not at all.
    const bytes = fx.sqlite.prepare("SELECT person_id AS personId, SUM(bytes) AS bytes, COUNT(*) AS n FROM rated_network WHERE period = '2026-11' GROUP BY person_id ORDER BY person_id").all();
    expect(bytes).toEqual([
      { personId: ids.hugo, bytes: 102_345_678_901, n: 1 },
      { personId: ids.marie, bytes: 167_000_000_000, n: 1 },
      { personId: ids.remi, bytes: 150_000_000_000, n: 1 },
      { personId: ids.theo, bytes: 5_000_000_000, n: 1 },
      { personId: ids.quentin, bytes: 15_000_000_000, n: 1 },
    ]);
    // Records rated without an invoice (Quentin) point at none; the others at their account's invoice.
    const quentin = fx.sqlite.prepare("SELECT invoice_id AS invoiceId FROM rated_records WHERE source = 'presence_session' AND record_id = ?").get(r.quentinVisit);
    expect(quentin).toEqual({ invoiceId: null });
    const nina = fx.invoiceOf({ kind: 'person', id: ids.nina }, '2026-11')!;
    const ninaRows = fx.sqlite.prepare("SELECT DISTINCT invoice_id AS invoiceId FROM rated_records r JOIN presence_sessions s ON s.id = r.record_id WHERE r.source = 'presence_session' AND s.person_id = ?").all(ids.nina);
    expect(ninaRows).toEqual([{ invoiceId: nina.id }]);
  });

  it('marks the documents as specimens while the seller is not configured', () => {
    fx = openRunFixture({ seller: emptySeller() });
    const alice = fx.person('member', 'Alice Martin');
    fx.session(alice, nov(3, '09:00'), nov(3, '11:00'));
    fx.run('2026-11');
    const [inv] = fx.invoices();
    expect(inv).toMatchObject({ number: '2026-000001', specimen: true, totals: { htCents: 600, vatCents: 120, ttcCents: 720 } });
    expect(inv!.seller.siren).toBeNull();
    expect(fx.ledger.seller.specimen).toBe(true);
    expect(SPECIMEN_TEXT).toMatch(/SPÉCIMEN/);
  });
});
