import { afterAll, describe, expect, it } from 'vitest';
import { generateMonth, monthDefaults } from '../../bench/billing-data.js';
import type { BenchContext, Measured } from '../../bench/metrics.js';
import { cleanupAll } from '../../bench/processes.js';
import { billingDefaults, measureBilling } from '../../bench/scenarios/billing.js';
import { openDatabase } from '../../controller/db/open.js';

/**
 * The billing benchmark's building blocks at a tiny scale: the generated month is exact and the same
 * for a seed, and a real run in its own process passes every check of its result (invoices, rated
 * records, network bytes, hash chain, re-run). No figure is compared with a target here.
 */

const ctx: BenchContext = { signal: new AbortController().signal, log: () => {} };
const value = (values: Measured[], metric: string): number => {
  const found = values.find((m) => m.metric === metric);
  if (found === undefined) throw new Error(`no ${metric} in ${JSON.stringify(values)}`);
  return found.value;
};
const tiny = { ...billingDefaults, members: 40, events: 20_000, runs: 1 };

describe('billing bench (tiny scale)', () => {
  afterAll(async () => {
    await cleanupAll();
  });

  it('generates exactly the usage events asked for, the same for the same seed', () => {
    const facts = [1, 2].map(() => {
      const db = openDatabase(':memory:');
      try {
        return generateMonth(db.sqlite, { ...monthDefaults, members: 40, events: 20_000 });
      } finally {
        db.close();
      }
    });
    const [a, b] = facts as [ReturnType<typeof generateMonth>, ReturnType<typeof generateMonth>];
    expect(a).toEqual(b);
    expect(a.people).toBe(40);
    expect(a.sessions + a.deskBookings + a.roomBookings + a.netRows).toBe(20_000);
    expect(a.sessions).toBeGreaterThan(0);
    expect(a.roomBookings).toBeGreaterThan(0);
    expect(a.accountsToInvoice).toBeGreaterThan(0);
    expect(a.accountsToInvoice).toBeLessThanOrEqual(a.accountsWithUsage);
  });

  it('bills the month in a process of its own, and every check of the result passes', async () => {
    const out = await measureBilling(ctx, tiny);
    expect(out.problems).toEqual([]);
    expect(value(out.values, 'billing_month_s')).toBeGreaterThan(0);
    const notes = out.notes.join('\n');
    expect(notes).toMatch(/20,000 usage events = /);
    expect(notes).toMatch(/a re-run issued 0 /);
  }, 90_000);

  it('bills the month after an earlier one in the same database (late-usage scans)', async () => {
    const out = await measureBilling(ctx, { ...tiny, history: 1 });
    expect(out.problems).toEqual([]);
    expect(out.notes.join('\n')).toMatch(/after billing 2026-10 in /);
  }, 90_000);
});
