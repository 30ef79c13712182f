import type Database from 'better-sqlite3';
import type { AuditFn } from '../auth/audit.js';
import type { Building } from '../building/schema.js';
import { BillingError } from './errors.js';
import { loadTariff, parseTariff, TariffError, tariffBuildingProblems, type Tariff } from './tariff/index.js';

const SETTING = 'tariff';

/**
 * The tariff in force: the file's (validated at boot; the centre's defaults), unless a manager
 * saved an edited one, which is validated the same way and kept in the database.
 */
export class TariffStore {
  readonly #file: Tariff;
  #current: Tariff;

  constructor(private readonly deps: { sqlite: Database.Database; building: Building; file: string; audit: AuditFn }) {
    this.#file = loadTariff(deps.file, deps.building);
    const saved = deps.sqlite.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as { value: string } | undefined;
    this.#current = saved === undefined ? this.#file : parseTariff(JSON.parse(saved.value), 'the tariff saved by a manager');
  }

  current(): Tariff {
    return this.#current;
  }

  get edited(): boolean {
    return this.#current !== this.#file;
  }

  /** Validates and saves a manager's tariff; every problem is listed in one 400. */
  save(json: unknown, actor: string): Tariff {
    let tariff: Tariff;
    try {
      tariff = parseTariff(json, 'tariff');
    } catch (err) {
      if (err instanceof TariffError) throw new BillingError(400, `the tariff is not valid: ${err.problems.join('; ')}`);
      throw err;
    }
    const problems = tariffBuildingProblems(tariff, this.deps.building);
    if (problems.length > 0) throw new BillingError(400, `the tariff does not fit the building: ${problems.join('; ')}`);
    if (tariff.revision <= this.#current.revision) {
      throw new BillingError(409, `a saved tariff needs a revision above ${this.#current.revision} (got ${tariff.revision})`);
    }
    this.deps.sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(SETTING, JSON.stringify(tariff));
    this.deps.audit({ actor, action: 'tariff.save', subject: `revision ${tariff.revision}`, detail: { effectiveFrom: tariff.effectiveFrom } });
    this.#current = tariff;
    return tariff;
  }
}
