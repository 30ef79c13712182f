import type Database from 'better-sqlite3';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { localParts, localToEpoch, addDays, parseHhMm } from '../access/local-time.js';

/**
 * Runs the nightly presence cut-off at a local time (default 03:00 in the building's zone) with
 * node-cron; a run missed while the controller was down is caught up at start (job_runs).
 */
export class CutoffJob {
  #task: ScheduledTask | undefined;

  constructor(private readonly deps: {
    sqlite: Database.Database; timeZone: string; at: string; clock: () => number; logger: Logger; run: (at: number) => void;
  }) {}

  start(): void {
    const minutes = parseHhMm(this.deps.at);
    this.catchUp();
    this.#task = cron.schedule(`${minutes % 60} ${Math.floor(minutes / 60)} * * *`, () => this.#runFor(localParts(this.deps.clock(), this.deps.timeZone).date), {
      timezone: this.deps.timeZone, name: 'presence-cutoff',
    });
  }

  stop(): void {
    void this.#task?.stop();
    this.#task = undefined;
  }

  /** Runs today's cut-off if its time has passed and it has not run. */
  catchUp(): void {
    const now = this.deps.clock();
    const today = localParts(now, this.deps.timeZone).date;
    const due = localToEpoch(today, parseHhMm(this.deps.at), this.deps.timeZone);
    const last = this.deps.sqlite.prepare("SELECT max(period) AS p FROM job_runs WHERE job = 'presence-cutoff'").get() as { p: string | null };
    if (now >= due && last.p !== today) this.#runFor(today);
    else if (now < due && last.p !== null && last.p < addDays(today, -1)) this.#runFor(addDays(today, -1));
  }

  #runFor(date: string): void {
    const inserted = this.deps.sqlite.prepare("INSERT OR IGNORE INTO job_runs (job, period, ran_at) VALUES ('presence-cutoff', ?, ?)")
      .run(date, this.deps.clock()).changes;
    if (inserted === 0) return;
    this.deps.logger.info({ date }, 'presence cut-off');
    this.deps.run(this.deps.clock());
  }
}
