import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, settableClock, type Caller } from '../../bookings/support.js';
import { startTestController, type TestController } from '../../support/controller.js';

const paris = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('billing over HTTP', () => {
  const clock = settableClock(paris('2026-11-15T10:00:00+01:00'));
  let ctl: TestController;
  let alice: Caller;
  let bob: Caller;
  let invoiceId: number;

  beforeAll(async () => {
    ctl = await startTestController({}, { clock });
    alice = await caller(ctl, 'alice', 'member', { name: 'Alice Martin' });
    bob = await caller(ctl, 'bob', 'member', { name: 'Bob Durand' });
  });
  afterAll(async () => ctl?.stop());

  it('refuses a plan the tariff does not have, with the plans it has', async () => {
    const res = await ctl.api('POST', '/api/billing/subscriptions', { personId: alice.personId, planId: 'gold', startsAt: paris('2026-10-01T00:00:00+02:00') });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/plan "gold" is not in the tariff.*hot-desk/);
  });

  it('bills a month run by a manager, once, with the subscription and the presence behind it', async () => {
    const sub = await ctl.api('POST', '/api/billing/subscriptions', { personId: alice.personId, planId: 'hot-desk', startsAt: paris('2026-10-01T00:00:00+02:00') });
    expect(sub.status).toBe(201);
    const identity = await ctl.api('PUT', `/api/billing/accounts/person/${alice.personId}`, {
      legalName: 'Alice Martin', addressLines: ['3 rue du Château'], postcode: '54540', city: 'Ménil-Flin', email: 'alice@example.org',
    });
    expect(identity.status).toBe(200);
    // A day of presence in October, and Bob (no plan: pay as you go) for 2 hours.
    const writer = new Database(ctl.dbFile);
    const session = writer.prepare('INSERT INTO presence_sessions (person_id, started_at, ended_at, end_reason, last_signal_at) VALUES (?, ?, ?, ?, ?)');
    session.run(alice.personId, paris('2026-10-12T09:00:00+02:00'), paris('2026-10-12T17:00:00+02:00'), 'exit', paris('2026-10-12T17:00:00+02:00'));
    session.run(bob.personId, paris('2026-10-13T09:00:00+02:00'), paris('2026-10-13T11:00:00+02:00'), 'exit', paris('2026-10-13T11:00:00+02:00'));
    writer.close();

    const run = await ctl.api('POST', '/api/billing/runs', { period: '2026-10' });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ period: '2026-10', trigger: 'manual', issued: 2, alreadyIssued: 0 });
    const again = await ctl.api('POST', '/api/billing/runs', { period: '2026-10' });
    expect(again.json).toMatchObject({ issued: 0 });
    expect(ctl.query('SELECT count(*) AS n FROM invoices')).toEqual([{ n: 2 }]);

    const list = await ctl.api('GET', `/api/invoices?accountKind=person&accountId=${alice.personId}`);
    expect(list.json.invoices).toHaveLength(1);
    const invoice = list.json.invoices[0];
    invoiceId = invoice.id;
    expect(invoice).toMatchObject({ type: 'invoice', period: '2026-10', specimen: true });
    const fee = invoice.lines.find((l: { code: string }) => l.code === 'plan:hot-desk');
    expect(fee).toMatchObject({ amountCents: 18_000 });
    expect(invoice.totals.ttcCents).toBe(invoice.totals.htCents + invoice.totals.vatCents);

    const bobs = await ctl.api('GET', `/api/invoices?accountKind=person&accountId=${bob.personId}`);
    // 2 h of pay-as-you-go: 8 blocks of 15 min at 0.75 € = 6.00 € HT (cheaper than a 15 € day pass).
    expect(bobs.json.invoices[0].totals.htCents).toBe(600);
  });

  it('lets a member read their own invoice and its evidence, and nobody else', async () => {
    expect((await alice.call('GET', `/api/invoices/${invoiceId}`)).status).toBe(200);
    expect((await bob.call('GET', `/api/invoices/${invoiceId}`)).status).toBe(403);
    const evidence = await alice.call('GET', `/api/invoices/${invoiceId}/evidence`);
    expect(evidence.status).toBe(200);
    const kinds = evidence.json.lines.flatMap((l: { records: Array<{ kind: string }> }) => l.records.map((r) => r.kind));
    expect(kinds).toContain('subscription');
    const mine = await alice.call('GET', '/api/me/invoices');
    expect(mine.json.invoices.map((i: { id: number }) => i.id)).toEqual([invoiceId]);
  });

  it('prints the invoice as HTML, PDF and EN 16931 XML', async () => {
    const base = ctl.system.httpUrl;
    const token = (await ctl.api('POST', '/api/auth/tokens', { name: 'docs' })).json.token as string;
    const get = (format: string) => fetch(`${base}/api/invoices/${invoiceId}/document?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
    const html = await get('html');
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('Alice Martin');
    expect(page).toContain('SPÉCIMEN');
    const pdf = Buffer.from(await (await get('pdf')).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const ubl = await (await get('ubl')).text();
    expect(ubl).toContain('<cbc:ID>2026-');
  });

  it('corrects an invoice by a credit note, never beyond its total, and keeps the chain intact', async () => {
    const note = await ctl.api('POST', `/api/invoices/${invoiceId}/credit-notes`, { reason: 'Geste commercial' });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ type: 'credit_note' });
    expect(note.json.totals.ttcCents).toBeLessThan(0);
    const twice = await ctl.api('POST', `/api/invoices/${invoiceId}/credit-notes`, { reason: 'Encore' });
    expect(twice.status).toBe(409);
    const chain = await ctl.api('GET', '/api/billing/chain');
    expect(chain.json).toMatchObject({ ok: true, documents: 3 });
    const csv = await fetch(`${ctl.system.httpUrl}/api/billing/export.csv?from=2026-01-01&to=2026-12-31`, {
      headers: { authorization: `Bearer ${(await ctl.api('POST', '/api/auth/tokens', { name: 'csv' })).json.token as string}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM, for spreadsheet software
    const text = bytes.toString('utf8');
    expect(text).toContain(note.json.number);
  });

  it("previews a member's current month, and refuses to run a month that is not over", async () => {
    clock.now += HOUR;
    const preview = await alice.call('GET', '/api/me/billing/preview');
    expect(preview.status).toBe(200);
    expect(preview.json.period).toBe('2026-11');
    expect(preview.json.bill.lines.some((l: { code: string }) => l.code === 'plan:hot-desk')).toBe(true);
    const early = await ctl.api('POST', '/api/billing/runs', { period: '2026-11' });
    expect(early.status).toBe(409);
    expect(early.json.message).toMatch(/not over yet/);
  });

  it('validates a tariff a manager saves, listing every problem', async () => {
    const current = (await ctl.api('GET', '/api/billing/tariff')).json.tariff;
    const bad = await ctl.api('PUT', '/api/billing/tariff', { tariff: { ...current, revision: current.revision + 1, vatRateBp: -5, plans: 'none' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/vatRateBp/);
    expect(bad.json.message).toMatch(/plans/);
    const good = await ctl.api('PUT', '/api/billing/tariff', { tariff: { ...current, revision: current.revision + 1 } });
    expect(good.status).toBe(200);
    expect((await ctl.api('GET', '/api/billing/tariff')).json.edited).toBe(true);
  });
});
