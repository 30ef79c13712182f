import { afterEach, describe, expect, it } from 'vitest';
import { at, openRunFixture, type RunFixture } from './helpers.js';
import { nov, seedNovember } from './november.js';

let fx: RunFixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const GB = 1_000_000_000;

describe('re-running a period', () => {
  it('issues nothing and changes nothing: same invoices, lines, rated records and bytes, same chain', () => {
    fx = openRunFixture();
    seedNovember(fx);
    const first = fx.run('2026-11');
    expect(first).toMatchObject({ issued: 7, alreadyIssued: 0, nothingToBill: 1 });
    const before = fx.snapshot();

    // Again the same night, the next day, and a week later (a manager pressing the button twice, a crash and restart…).
    for (const when of ['2026-12-01T02:05:00+01:00', '2026-12-02T09:00:00+01:00', '2026-12-08T09:00:00+01:00']) {
      const again = fx.run('2026-11', at(when));
      // alreadyIssued counts the accounts the re-run still read something for (subscriptions, network hours):
      // Hugo, Marie, the company and Théo; Nina's, Carl's and Chloé's sessions are all rated, so they are not read.
      expect(again, when).toMatchObject({ period: '2026-11', issued: 0, alreadyIssued: 4, nothingToBill: 1 });
      expect(fx.snapshot(), when).toEqual(before);
    }
    expect((before.chain as { ok: boolean; documents: number })).toMatchObject({ ok: true, documents: 7 });
    // Each run is recorded, all finished without error.
    expect(fx.sqlite.prepare('SELECT period, invoices, error FROM billing_runs ORDER BY id').all()).toEqual([
      { period: '2026-11', invoices: 7, error: null },
      { period: '2026-11', invoices: 0, error: null },
      { period: '2026-11', invoices: 0, error: null },
      { period: '2026-11', invoices: 0, error: null },
    ]);
    // What a run of November would issue now: nothing.
    expect(fx.runner.preview('2026-11').filter((b) => b.lines.length > 0)).toEqual([]);
  });

  it('leaves no trace that would hide bytes arriving later (an account with nothing to bill, re-run)', () => {
    fx = openRunFixture();
    const { ids } = seedNovember(fx);
    fx.run('2026-11');
    fx.run('2026-11', at('2026-12-02T09:00:00+01:00'));
    fx.run('2026-11', at('2026-12-03T09:00:00+01:00'));
    // Quentin's 15 GB of November (under his 20 GB) were rated once, whatever the number of runs.
    expect(fx.sqlite.prepare("SELECT SUM(bytes) AS bytes FROM rated_network WHERE person_id = ? AND period = '2026-11'").get(ids.quentin))
      .toEqual({ bytes: 15 * GB });
    // A meter catches up 10 GB of November: 25 GB − 20 GB = 5 GB beyond the allowance, 5 × 0,50 = 2,50 € on December's invoice.
    fx.net(ids.quentin, nov(20, '15:00'), 10 * GB);
    fx.run('2026-12');
    const dec = fx.invoiceOf({ kind: 'person', id: ids.quentin }, '2026-12');
    expect(dec?.lines.map((l) => [l.code, l.quantityMilli, l.amountCents])).toEqual([['regularisation:network-overage', 5000, 250]]);
  });
});
