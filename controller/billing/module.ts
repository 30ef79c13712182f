import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { parseHhMm } from '../access/local-time.js';
import type { AuditFn } from '../auth/audit.js';
import type { Building } from '../building/schema.js';
import type { Config } from '../config.js';
import { BillingAccounts, Ledger, logSellerStatus } from './ledger/index.js';
import { BillingJob } from './run/job.js';
import { BillingRunner } from './run/runner.js';
import { SubscriptionAdmin } from './subscriptions.js';
import { TariffStore } from './tariff-store.js';

export interface BillingModule {
  ledger: Ledger;
  accounts: BillingAccounts;
  runner: BillingRunner;
  tariffs: TariffStore;
  subscriptions: SubscriptionAdmin;
  start(): void;
  stop(): Promise<void>;
}

/** Builds billing from the config, the building and the database; the monthly job starts with start(). */
export function createBillingModule(deps: {
  building: Building; sqlite: Database.Database; config: Pick<Config, 'seller' | 'tariffFile' | 'billingRun'>;
  audit: AuditFn; clock: () => number; logger: Logger;
}): BillingModule {
  const { building, sqlite, config, audit, clock } = deps;
  const logger = deps.logger.child({ module: 'billing' });
  const timeZone = building.site.timeZone;
  logSellerStatus(logger, config.seller);
  const tariffs = new TariffStore({ sqlite, building, file: config.tariffFile, audit });
  const ledger = new Ledger({ sqlite, clock, timeZone, seller: config.seller });
  const accounts = new BillingAccounts({ sqlite, clock });
  const runner = new BillingRunner({ sqlite, ledger, accounts, tariff: () => tariffs.current(), timeZone, clock, logger });
  const subscriptions = new SubscriptionAdmin({ sqlite, audit, clock, tariff: () => tariffs.current() });
  const job = new BillingJob({
    timeZone, day: config.billingRun.day, minutes: parseHhMm(config.billingRun.time), clock, logger,
    lastRunPeriod: () => runner.lastRunPeriod(),
    run: async (period, trigger) => {
      const summary = await runner.runInSlices(period, trigger, 'system');
      // Stop catching up: later months wait until this one is whole again.
      if (summary.held.length > 0) throw new Error(`${period}: ${summary.held.length} account(s) could not be rated`);
    },
  });
  return {
    ledger, accounts, runner, tariffs, subscriptions,
    start: () => job.start(),
    stop: () => job.stop(),
  };
}
