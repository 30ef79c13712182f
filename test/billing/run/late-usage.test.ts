import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../controller/billing/run/usage.js';
import { at, expected, linesOf, netEv, openRunFixture, sessionsEv, subEv, type ExpectedLine, type RunFixture } from './helpers.js';
import { dec, nov, seedNovember } from './november.js';

let fx: RunFixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const GB = 1_000_000_000;
const priced = (l: Omit<ExpectedLine, 'vatRateBp'>): ExpectedLine => ({ ...l, vatRateBp: 2000 });
const rows = (fx: RunFixture, sql: string, ...args: unknown[]) => fx.sqlite.prepare(sql).all(...args);

describe('usage that arrives after its month was invoiced', () => {
  it('goes on the next invoice as « Régularisation novembre 2026 » lines, exactly once', () => {
    fx = openRunFixture();
    const { ids, records: r } = seedNovember(fx);
    expect(fx.run('2026-11')).toMatchObject({ issued: 7 });

    // After the November run (December 1st, 02:00):
    // - a reader that was offline hands over a session of Nina on 20 November, 09:00–10:00;
    const late = fx.session(ids.nina, nov(20, '09:00'), nov(20, '10:00'));
    // - Carl's session still open at the run ends: the nightly cut-off of 30 November reached the controller late;
    fx.sqlite.prepare('UPDATE presence_sessions SET ended_at = ?, end_reason = ? WHERE id = ?').run(at(nov(30, '17:00')), 'cutoff', r.carlOpen);
    // - meters catch up: 1 GB more for Hugo in an hour of 12 November, 10 GB more for Quentin on the 20th.
    fx.net(ids.hugo, nov(12, '15:00'), 1 * GB);
    fx.net(ids.quentin, nov(20, '15:00'), 10 * GB);

    const december = fx.run('2026-12'); // on 1 January 2027 at 02:00
    expect(december).toMatchObject({ issued: 6, alreadyIssued: 0, warnings: [] });
    const novemberFirstDay = Math.floor((Date.parse(nov(1, '00:00')) + HOUR_MS) / 86_400_000); // local day number (UTC+1)

    const want: Array<{ who: string; account: { kind: 'person' | 'company'; id: number }; lines: ExpectedLine[]; ht: number; vat: number; ttc: number }> = [
      // Nina: 2 December 09:00–17:00 is a day pass (8 h = 24,00 € > 15,00 €); the December part of her session from
      // 30 November 20:00 to 1 December 01:30 is 1,5 h (6 blocks, 4,50 €); the late session of 20 November, priced
      // alone: 1 h = 4 blocks = 3,00 €. HT 15,00 + 4,50 + 3,00 = 22,50 €; VAT 3,00 + 0,90 + 0,60 = 4,50 €; TTC 27,00 €.
      { who: 'Nina', account: { kind: 'person', id: ids.nina }, ht: 2250, vat: 450, ttc: 2700, lines: [
        priced({ code: 'day-pass', description: 'Pass journée × 1', personId: ids.nina, quantityMilli: 1000, unit: 'day',
          unitPriceCents: 1500, amountCents: 1500, vatCents: 300, evidence: sessionsEv(r.ninaDecember) }),
        priced({ code: 'hourly', description: 'Heures (blocs de 15 min) × 1,5 h (1 jour)', personId: ids.nina, quantityMilli: 1500, unit: 'hour',
          unitPriceCents: 300, amountCents: 450, vatCents: 90, evidence: sessionsEv(r.nina.monthEnd) }),
        priced({ code: 'regularisation:hourly', description: 'Régularisation novembre 2026 — Heures (blocs de 15 min) × 1 h (1 jour)', personId: ids.nina,
          quantityMilli: 1000, unit: 'hour', unitPriceCents: 300, amountCents: 300, vatCents: 60, evidence: sessionsEv(late) }),
      ] },
      // Carl: nothing in December; the late day of 30 November, 8 h, priced alone at a day pass (no card, no cap):
      // 15,00 € + VAT 3,00 € = 18,00 €.
      { who: 'Carl', account: { kind: 'person', id: ids.carl }, ht: 1500, vat: 300, ttc: 1800, lines: [
        priced({ code: 'regularisation:day-pass', description: 'Régularisation novembre 2026 — Pass journée × 1', personId: ids.carl,
          quantityMilli: 1000, unit: 'day', unitPriceCents: 1500, amountCents: 1500, vatCents: 300, evidence: sessionsEv(r.carlOpen) }),
      ] },
      // Hugo: December's hot desk 180,00 €; November's bytes went from 102,345678901 GB (2 346 MB beyond 100 GB, billed)
      // to 103,345678901 GB (3 346 MB beyond): 1 000 MB more = 1 GB × 0,50 = 0,50 €.
      // HT 180,50 €; VAT 36,00 + 0,10 = 36,10 €; TTC 216,60 €.
      { who: 'Hugo', account: { kind: 'person', id: ids.hugo }, ht: 18050, vat: 3610, ttc: 21660, lines: [
        priced({ code: 'plan:hot-desk', description: 'Forfait coworking, poste libre — décembre 2026', personId: ids.hugo, quantityMilli: 1000,
          unit: 'month', unitPriceCents: 18000, amountCents: 18000, vatCents: 3600, evidence: subEv(r.hugoSub) }),
        priced({ code: 'regularisation:network-overage', personId: ids.hugo, quantityMilli: 1000, unit: 'GB', unitPriceCents: 50, amountCents: 50, vatCents: 10,
          description: "Régularisation novembre 2026 — Réseau au-delà de l'usage inclus — 1 Go (1 Go reçus après facturation, 103,346 Go au total, 100 Go inclus)",
          // The run keeps the bytes rated per person and month, not per hour: the evidence of a late network line is
          // the month's first day, standing for the month, not the hours that grew.
          evidence: netEv(novemberFirstDay) }),
      ] },
      // Marie: December's fixed desk, 250,00 € + 50,00 € = 300,00 €.
      { who: 'Marie', account: { kind: 'person', id: ids.marie }, ht: 25000, vat: 5000, ttc: 30000, lines: [
        priced({ code: 'plan:fixed-desk', description: 'Forfait poste fixe — décembre 2026', personId: ids.marie, quantityMilli: 1000,
          unit: 'month', unitPriceCents: 25000, amountCents: 25000, vatCents: 5000, evidence: subEv(r.marieFixed) }),
      ] },
      // The company: December's office, 450,00 € + 90,00 € = 540,00 €.
      { who: 'Atelier Vezouze', account: { kind: 'company', id: ids.company }, ht: 45000, vat: 9000, ttc: 54000, lines: [
        priced({ code: 'plan:office-1', description: 'Bureau privé 1 (2 postes) — décembre 2026', personId: null, quantityMilli: 1000,
          unit: 'month', unitPriceCents: 45000, amountCents: 45000, vatCents: 9000, evidence: subEv(r.office) }),
      ] },
      // Quentin: November had 15 GB (under his 20 GB, nothing billed); now 25 GB: 5 GB beyond × 0,50 = 2,50 € + 0,50 € VAT.
      { who: 'Quentin', account: { kind: 'person', id: ids.quentin }, ht: 250, vat: 50, ttc: 300, lines: [
        priced({ code: 'regularisation:network-overage', personId: ids.quentin, quantityMilli: 5000, unit: 'GB', unitPriceCents: 50, amountCents: 250, vatCents: 50,
          description: "Régularisation novembre 2026 — Réseau au-delà de l'usage inclus — 5 Go (10 Go reçus après facturation, 25 Go au total, 20 Go inclus)",
          evidence: netEv(novemberFirstDay) }),
      ] },
    ];
    for (const w of want) {
      const inv = fx.invoiceOf(w.account, '2026-12');
      expect(inv, w.who).toBeDefined();
      expect(linesOf(inv!), w.who).toEqual(expected(w.lines));
      expect(inv!.totals, w.who).toEqual({ htCents: w.ht, vatCents: w.vat, ttcCents: w.ttc });
      expect(inv!.issueDate, w.who).toBe('2027-01-01');
    }
    // A new year, a new series: 2027-000001 … 000006, after 2026-000001 … 000007.
    expect(fx.invoices().map((i) => i.number)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => `2026-${String(n).padStart(6, '0')}`),
      ...[1, 2, 3, 4, 5, 6].map((n) => `2027-${String(n).padStart(6, '0')}`),
    ]);
    // November's invoices did not change; the late records are now rated for November, on December's invoices.
    expect(fx.invoiceOf({ kind: 'person', id: ids.nina }, '2026-11')!.totals.htCents).toBe(4350);
    const ninaDec = fx.invoiceOf({ kind: 'person', id: ids.nina }, '2026-12')!;
    expect(rows(fx, "SELECT period, invoice_id AS invoiceId FROM rated_records WHERE source = 'presence_session' AND record_id = ?", late))
      .toEqual([{ period: '2026-11', invoiceId: ninaDec.id }]);
    // Nina's session across the month's end: rated once for each month.
    expect(rows(fx, "SELECT period FROM rated_records WHERE source = 'presence_session' AND record_id = ? ORDER BY period", r.nina.monthEnd))
      .toEqual([{ period: '2026-11' }, { period: '2026-12' }]);
    expect(rows(fx, "SELECT person_id AS personId, SUM(bytes) AS bytes FROM rated_network WHERE period = '2026-11' AND person_id IN (?, ?) GROUP BY person_id ORDER BY person_id", ids.hugo, ids.quentin))
      .toEqual([{ personId: ids.hugo, bytes: 103_345_678_901 }, { personId: ids.quentin, bytes: 25 * GB }]);

    // December again: nothing. January: the plans' fees, and no régularisation billed a second time.
    expect(fx.run('2026-12', at('2027-01-02T09:00:00+01:00'))).toMatchObject({ issued: 0 });
    expect(fx.run('2027-01')).toMatchObject({ issued: 3 }); // on 1 February 2027
    const january = fx.invoices().filter((i) => i.period === '2027-01');
    expect(january.map((i) => i.account)).toEqual(expect.arrayContaining([
      { kind: 'person', id: ids.hugo }, { kind: 'person', id: ids.marie }, { kind: 'company', id: ids.company },
    ]));
    expect(january.flatMap((i) => i.lines.map((l) => l.code)).sort()).toEqual(['plan:fixed-desk', 'plan:hot-desk', 'plan:office-1']);
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true, documents: 7 + 6 + 3 });
  });

  it('is never lost: a re-run of December leaves an account already invoiced alone; January bills its late usage', () => {
    fx = openRunFixture();
    const { ids } = seedNovember(fx);
    fx.run('2026-11');
    fx.run('2026-12'); // Nina gets her December invoice
    // A reader offline for over a month: a half hour of Nina on 26 November, 45 minutes of Chloé on the 24th (no December invoice yet).
    const ninaLate = fx.session(ids.nina, nov(26, '10:00'), nov(26, '10:30'));
    const chloeLate = fx.session(ids.chloe, nov(24, '14:00'), nov(24, '14:45'));
    // December run again (a manager's button) on 10 January: Chloé, who had no December invoice, gets one now with her
    // late November session on it (3 blocks, 2,25 €); Nina's December invoice is out, so her late session waits.
    expect(fx.run('2026-12', at('2027-01-10T09:00:00+01:00'))).toMatchObject({ issued: 1 });
    expect(linesOf(fx.invoiceOf({ kind: 'person', id: ids.chloe }, '2026-12')!)).toEqual(expected([
      priced({ code: 'regularisation:hourly', description: 'Régularisation novembre 2026 — Heures (blocs de 15 min) × 0,75 h (1 jour)', personId: ids.chloe,
        quantityMilli: 750, unit: 'hour', unitPriceCents: 300, amountCents: 225, vatCents: 45, evidence: sessionsEv(chloeLate) }),
    ]));
    expect(rows(fx, "SELECT count(*) AS n FROM rated_records WHERE source = 'presence_session' AND record_id = ?", ninaLate)).toEqual([{ n: 0 }]);
    fx.run('2027-01');
    // January: Nina's late half hour of 26 November, 2 blocks = 1,50 € (0,30 € VAT); nothing more for Chloé.
    expect(linesOf(fx.invoiceOf({ kind: 'person', id: ids.nina }, '2027-01')!)).toEqual(expected([
      priced({ code: 'regularisation:hourly', description: 'Régularisation novembre 2026 — Heures (blocs de 15 min) × 0,5 h (1 jour)', personId: ids.nina,
        quantityMilli: 500, unit: 'hour', unitPriceCents: 300, amountCents: 150, vatCents: 30, evidence: sessionsEv(ninaLate) }),
    ]));
    expect(fx.invoiceOf({ kind: 'person', id: ids.chloe }, '2027-01')).toBeUndefined();
    expect(fx.ledger.verifyChain()).toMatchObject({ ok: true });
  });

  it('usage of two earlier months arriving late goes on one invoice, each line labelled with its month', () => {
    fx = openRunFixture();
    const { ids } = seedNovember(fx);
    fx.run('2026-11');
    fx.run('2026-12');
    const lateNov = fx.session(ids.chloe, nov(24, '14:00'), nov(24, '14:45'));
    const lateDec = fx.session(ids.chloe, dec(15, '09:00'), dec(15, '18:00'));
    fx.run('2027-01');
    const jan = fx.invoiceOf({ kind: 'person', id: ids.chloe }, '2027-01')!;
    // Each month's late usage labelled with its month, priced alone: 2,25 € (0,45 € VAT) and a day pass 15,00 € (3,00 € VAT).
    expect(linesOf(jan)).toEqual(expected([
      priced({ code: 'regularisation:hourly', description: 'Régularisation novembre 2026 — Heures (blocs de 15 min) × 0,75 h (1 jour)', personId: ids.chloe,
        quantityMilli: 750, unit: 'hour', unitPriceCents: 300, amountCents: 225, vatCents: 45, evidence: sessionsEv(lateNov) }),
      priced({ code: 'regularisation:day-pass', description: 'Régularisation décembre 2026 — Pass journée × 1', personId: ids.chloe,
        quantityMilli: 1000, unit: 'day', unitPriceCents: 1500, amountCents: 1500, vatCents: 300, evidence: sessionsEv(lateDec) }),
    ]));
    expect(jan.totals).toEqual({ htCents: 1725, vatCents: 345, ttcCents: 2070 });
    fx.run('2027-02');
    expect(fx.invoiceOf({ kind: 'person', id: ids.chloe }, '2027-02')).toBeUndefined();
  });
});
