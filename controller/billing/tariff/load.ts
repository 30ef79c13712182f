import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { dateToDay } from '../../access/local-time.js';
import type { Building } from '../../building/schema.js';
import { PERSON_KINDS, Tariff } from './schema.js';
import { projectPath } from '../../paths.js';

export const DEFAULT_TARIFF_FILE = projectPath('controller', 'billing', 'tariff', 'menil-flin-tariff.json');
const checker = Compile(Tariff);
/** Enough to list every problem of a badly broken file without flooding the log (TypeBox stops at 8 by default). */
const MAX_SCHEMA_PROBLEMS = 50;

export class TariffError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`tariff file ${file} is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TariffError';
  }
}

/** Checks what a schema cannot: references, unique ids, prices that a block cannot split into whole cents. */
export function tariffProblems(tariff: Tariff): string[] {
  const problems: string[] = [];
  const plans = new Map<string, Tariff['plans'][number]>();
  for (const p of tariff.plans) {
    if (plans.has(p.id)) problems.push(`duplicate plan id "${p.id}"`);
    plans.set(p.id, p);
    if (p.billing !== 'monthly' && p.monthlyFeeCents !== 0) {
      problems.push(`plan "${p.id}" is ${p.billing} but has a monthly fee of ${p.monthlyFeeCents} cents (only monthly plans have a fee)`);
    }
    if (p.coversCompanyPeople && p.billing !== 'monthly') problems.push(`plan "${p.id}" covers a company's people but is not a monthly plan`);
  }
  const rooms = new Set<string>();
  for (const r of tariff.rooms) {
    if (rooms.has(r.resourceId)) problems.push(`duplicate room "${r.resourceId}"`);
    rooms.add(r.resourceId);
  }
  const blocksPerHour = 60 / tariff.blockMinutes;
  const splits = (what: string, cents: number) => {
    if (cents % blocksPerHour !== 0) {
      problems.push(`${what}: ${cents} cents an hour is not a whole number of cents per ${tariff.blockMinutes}-minute block (use a multiple of ${blocksPerHour})`);
    }
  };
  splits('payAsYouGo.hourlyCents', tariff.payAsYouGo.hourlyCents);
  for (const r of tariff.rooms) splits(`room "${r.resourceId}"`, r.hourlyCents);

  for (const kind of PERSON_KINDS) {
    const id = tariff.defaultPlans[kind];
    if (!plans.has(id)) problems.push(`defaultPlans.${kind}: unknown plan "${id}"`);
  }
  const cap = plans.get(tariff.payAsYouGo.capPlanId);
  if (cap === undefined) problems.push(`payAsYouGo.capPlanId: unknown plan "${tariff.payAsYouGo.capPlanId}"`);
  else if (cap.billing !== 'monthly') problems.push(`payAsYouGo.capPlanId: plan "${cap.id}" is not a monthly plan`);
  try {
    dateToDay(tariff.effectiveFrom);
  } catch {
    problems.push(`effectiveFrom: no such date "${tariff.effectiveFrom}"`);
  }
  return problems;
}

/** Checks the tariff against the building: priced rooms are meeting rooms or booths, offices are office zones. */
export function tariffBuildingProblems(tariff: Tariff, building: Building): string[] {
  const problems: string[] = [];
  const zones = new Map(building.zones.map((z) => [z.id, z]));
  for (const r of tariff.rooms) {
    const z = zones.get(r.resourceId);
    if (z === undefined) problems.push(`room "${r.resourceId}" is not a zone of the building`);
    else if (z.kind !== 'meeting' && z.kind !== 'booth') problems.push(`room "${r.resourceId}" is a ${z.kind} zone, not a meeting room or a booth`);
  }
  for (const p of tariff.plans) {
    if (p.officeZone === undefined) continue;
    const z = zones.get(p.officeZone);
    if (z === undefined) problems.push(`plan "${p.id}" rents unknown zone "${p.officeZone}"`);
    else if (z.kind !== 'office') problems.push(`plan "${p.id}" rents zone "${p.officeZone}", a ${z.kind} zone, not an office`);
  }
  return problems;
}

/**
 * Every schema error, not only TypeBox's first 8 (its `maxErrors` setting, a process-wide value):
 * raised for this one synchronous call and restored before anything else can run.
 */
function schemaErrors(json: unknown): ReturnType<typeof checker.Errors> {
  const saved = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_SCHEMA_PROBLEMS });
  try {
    return checker.Errors(json);
  } finally {
    Settings.Set({ maxErrors: saved });
  }
}

export function parseTariff(json: unknown, file = '<inline>'): Tariff {
  if (!checker.Check(json)) {
    const problems = schemaErrors(json).map((e) => {
      const allowed = 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      const got = e.instancePath === '' ? '' : ` (got ${JSON.stringify(Value.Pointer.Get(json, e.instancePath))})`;
      return `${e.instancePath || '/'}: ${e.message}${allowed}${got}`;
    });
    throw new TariffError(file, [...new Set(problems)]);
  }
  const problems = tariffProblems(json);
  if (problems.length > 0) throw new TariffError(file, problems);
  return json;
}

export function loadTariff(file = DEFAULT_TARIFF_FILE, building?: Building): Tariff {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TariffError(file, [`cannot be read as JSON: ${(err as Error).message}`]);
  }
  const tariff = parseTariff(json, file);
  if (building !== undefined) {
    const problems = tariffBuildingProblems(tariff, building);
    if (problems.length > 0) throw new TariffError(file, problems);
  }
  return tariff;
}
