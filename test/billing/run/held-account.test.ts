import { afterEach, describe, expect, it } from 'vitest';
import { openRunFixture, type RunFixture } from './helpers.js';

describe('an account the tariff cannot rate', () => {
  let f: RunFixture | undefined;
  afterEach(() => f?.close());

  it('is held back with a clear reason while the others are invoiced, and is billed once the plan exists', () => {
    f = openRunFixture();
    const fine = f.person('member', 'Alice Fine');
    f.subscription({ personId: fine, planId: 'hot-desk', from: '2026-10-01T00:00:00+02:00' });
    const odd = f.person('member', 'Bob Odd');
    // A plan the tariff does not know (written before a tariff edit removed it, say).
    const sub = f.subscription({ personId: odd, planId: 'gold', from: '2026-10-01T00:00:00+02:00' });
    f.session(odd, '2026-10-05T09:00:00+02:00', '2026-10-05T12:00:00+02:00');

    const first = f.run('2026-10');
    expect(first.issued).toBe(1);
    expect(first.held).toEqual([`person:${odd}`]);
    expect(f.invoiceOf({ kind: 'person', id: fine }, '2026-10')).toBeDefined();
    expect(f.invoiceOf({ kind: 'person', id: odd }, '2026-10')).toBeUndefined();
    // The period does not count as run: the job's catch-up tries it again.
    expect(f.runner.lastRunPeriod()).toBeNull();

    f.sqlite.prepare("UPDATE subscriptions SET plan_id = 'fixed-desk' WHERE id = ?").run(sub);
    const second = f.run('2026-10');
    expect(second).toMatchObject({ issued: 1, held: [] });
    expect(f.invoiceOf({ kind: 'person', id: odd }, '2026-10')?.lines.some((l) => l.code === 'plan:fixed-desk')).toBe(true);
    expect(f.runner.lastRunPeriod()).toBe('2026-10');
  });
});

describe('a run inside the controller', () => {
  let f: RunFixture | undefined;
  afterEach(() => f?.close());

  it('gives the event loop back between batches of invoices, with the same invoices as a run in one go', async () => {
    f = openRunFixture();
    for (let i = 0; i < 120; i++) f.subscription({ personId: f.person('member', `Member ${i}`), planId: 'hot-desk', from: '2026-10-01T00:00:00+02:00' });
    f.now.t = Date.parse('2026-11-01T02:00:00+01:00');
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    const summary = await f.runner.runInSlices('2026-10', 'schedule', 'test');
    clearInterval(timer);
    expect(summary).toMatchObject({ issued: 120, held: [] });
    expect(ticks).toBeGreaterThanOrEqual(2); // timers ran while it worked: 120 accounts are 3 batches
    expect(f.invoices().map((i) => i.number)).toEqual(Array.from({ length: 120 }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`));
    expect(f.ledger.verifyChain().ok).toBe(true);
  });
});
