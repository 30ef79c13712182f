import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BillingJob } from '../../../controller/billing/run/job.js';
import type { Period } from '../../../controller/billing/run/periods.js';
import { at, openRunFixture, RUN_AT, TZ, type RunFixture } from './helpers.js';

let fx: RunFixture | undefined;
let job: BillingJob | undefined;
afterEach(async () => {
  await job?.stop();
  job = undefined;
  fx?.close();
  fx = undefined;
});

/** A hot-desk member since June (an invoice every month) and a nomad with one day in each month from August. */
function seed(f: RunFixture) {
  const hugo = f.person('member', 'Hugo Bernard');
  f.subscription({ personId: hugo, planId: 'hot-desk', from: '2026-06-01T00:00:00+02:00' });
  const nina = f.person('member', 'Nina Petit');
  for (const day of ['2026-08-10', '2026-09-10', '2026-10-12', '2026-11-10']) {
    const offset = day < '2026-10-25' ? '+02:00' : '+01:00';
    f.session(nina, `${day}T09:00:00${offset}`, `${day}T17:00:00${offset}`);
  }
  return { hugo, nina };
}

/** A job over the fixture's runner, each run slowed down (awaited) so that stop() has something to wait for. */
function jobOver(f: RunFixture, log: Array<{ period: Period; trigger: string; done?: boolean }>, opts: { failOnce?: Period } = {}) {
  let failed = false;
  return new BillingJob({
    timeZone: TZ, day: RUN_AT.day, minutes: RUN_AT.minutes, clock: f.clock, logger: pino({ level: 'silent' }),
    lastRunPeriod: () => f.runner.lastRunPeriod(),
    run: async (period, trigger) => {
      const entry: { period: Period; trigger: string; done?: boolean } = { period, trigger };
      log.push(entry);
      await sleep(30); // 30 ms: a run in progress when stop() is called
      if (opts.failOnce === period && !failed) {
        failed = true;
        throw new Error('disk full');
      }
      const summary = f.runner.run(period, trigger, 'system');
      entry.done = true;
      return summary;
    },
  });
}

describe('the monthly job after downtime', () => {
  it('catches up every missed month once, oldest first, and stop() waits for the run in progress', async () => {
    fx = openRunFixture();
    const { hugo, nina } = seed(fx);
    // August was run on time (1 September, 02:00); then the controller was down until 5 December.
    fx.run('2026-08');
    expect(fx.runner.lastRunPeriod()).toBe('2026-08');
    fx.now.t = at('2026-12-05T10:00:00+01:00');

    const log: Array<{ period: Period; trigger: string; done?: boolean }> = [];
    job = jobOver(fx, log);
    job.start();
    await sleep(5); // the catch-up has begun…
    expect(log.map((l) => l.period)).toEqual(['2026-09']);
    await job.stop(); // …and stop() returns only when it is over
    expect(log).toEqual([
      { period: '2026-09', trigger: 'catch-up', done: true },
      { period: '2026-10', trigger: 'catch-up', done: true },
      { period: '2026-11', trigger: 'catch-up', done: true },
    ]);
    expect(fx.runner.lastRunPeriod()).toBe('2026-11');
    expect(fx.sqlite.prepare('SELECT period, trigger, error FROM billing_runs ORDER BY id').all()).toEqual([
      { period: '2026-08', trigger: 'manual', error: null },
      { period: '2026-09', trigger: 'catch-up', error: null },
      { period: '2026-10', trigger: 'catch-up', error: null },
      { period: '2026-11', trigger: 'catch-up', error: null },
    ]);
    // One invoice per account and month, numbered in the order the months were run.
    const invoices = fx.invoices().map((i) => [i.number, i.account.id, i.period]);
    expect(invoices).toEqual([
      ['2026-000001', hugo, '2026-08'], ['2026-000002', nina, '2026-08'],
      ['2026-000003', hugo, '2026-09'], ['2026-000004', nina, '2026-09'],
      ['2026-000005', hugo, '2026-10'], ['2026-000006', nina, '2026-10'],
      ['2026-000007', hugo, '2026-11'], ['2026-000008', nina, '2026-11'],
    ]);

    // Started again the same day: nothing is due any more.
    const again: typeof log = [];
    job = jobOver(fx, again);
    job.start();
    await job.stop();
    expect(again).toEqual([]);
    expect(fx.invoices()).toHaveLength(8);
  });

  it('stops at a failed month and catches it up at the next start, without skipping or repeating one', async () => {
    fx = openRunFixture();
    seed(fx);
    fx.run('2026-08');
    fx.now.t = at('2026-12-05T10:00:00+01:00');
    const log: Array<{ period: Period; trigger: string; done?: boolean }> = [];
    job = jobOver(fx, log, { failOnce: '2026-10' });
    job.start();
    await job.stop();
    expect(log.map((l) => [l.period, l.done ?? false])).toEqual([['2026-09', true], ['2026-10', false]]);
    expect(fx.runner.lastRunPeriod()).toBe('2026-09');

    const next: typeof log = [];
    job = jobOver(fx, next, { failOnce: 'none' });
    job.start();
    await job.stop();
    expect(next.map((l) => l.period)).toEqual(['2026-10', '2026-11']);
    expect(fx.invoices().map((i) => i.period)).toEqual(['2026-08', '2026-08', '2026-09', '2026-09', '2026-10', '2026-10', '2026-11', '2026-11']);
  });

  it('with no run ever, bills only the month just ended', async () => {
    fx = openRunFixture();
    seed(fx);
    fx.now.t = at('2026-12-05T10:00:00+01:00');
    const log: Array<{ period: Period; trigger: string; done?: boolean }> = [];
    job = jobOver(fx, log);
    job.start();
    await job.stop();
    expect(log.map((l) => l.period)).toEqual(['2026-11']);
  });
});
