import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { duePeriods, type Period } from './periods.js';

export const billingJobDefaults = {
  day: 1, // the run bills the previous month on the 1st…
  time: '02:00', // …at 02:00 in the building's time zone
  maxCatchUp: 12, // months caught up at most after downtime
};

/**
 * The monthly billing run, scheduled with node-cron in the building's time zone; at start, every
 * run missed while the controller was down is caught up, oldest first. The run itself is
 * idempotent (an account's invoice for a period is issued once), so a run repeated by a crash
 * between issuing and recording it changes nothing.
 */
export class BillingJob {
  #task: ScheduledTask | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly deps: {
    timeZone: string; day: number; minutes: number; clock: () => number; logger: Logger;
    lastRunPeriod: () => Period | null;
    run: (period: Period, trigger: 'schedule' | 'catch-up') => Promise<unknown>;
  }) {}

  start(): void {
    const { day, minutes, timeZone } = this.deps;
    this.#task = cron.schedule(`${minutes % 60} ${Math.floor(minutes / 60)} ${day} * *`, () => {
      void this.#runDue('schedule');
    }, { timezone: timeZone, name: 'billing-run' });
    void this.#runDue('catch-up');
  }

  /** Stops the schedule and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    await this.#task?.stop();
    this.#task = undefined;
    await this.#running;
  }

  /** Runs every due period not yet run; one run at a time. */
  #runDue(trigger: 'schedule' | 'catch-up'): Promise<void> {
    const next = (this.#running ?? Promise.resolve()).then(async () => {
      const { day, minutes, timeZone } = this.deps;
      for (const period of duePeriods(this.deps.lastRunPeriod(), this.deps.clock(), timeZone, { day, minutes }, billingJobDefaults.maxCatchUp)) {
        try {
          await this.deps.run(period, trigger);
        } catch (err) {
          this.deps.logger.error({ err, period }, 'billing run failed; it will be tried again at the next start or schedule');
          return;
        }
      }
    });
    this.#running = next;
    return next;
  }
}
