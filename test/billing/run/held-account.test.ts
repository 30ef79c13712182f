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
