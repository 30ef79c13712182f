import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARIFF_FILE, loadTariff, parseTariff, TariffError, tariffBuildingProblems } from '../../../controller/billing/tariff/load.js';
import type { Tariff } from '../../../controller/billing/tariff/schema.js';
import { loadBuilding } from '../../../controller/building/load.js';

const raw = () => JSON.parse(readFileSync(DEFAULT_TARIFF_FILE, 'utf8')) as Record<string, any>; // any: tests mutate the JSON freely

function problems(mutate: (t: Record<string, any>) => void): string[] { // any: as above
  const t = raw();
  mutate(t);
  try {
    parseTariff(t);
    return [];
  } catch (err) {
    if (!(err instanceof TariffError)) throw err;
    return err.problems;
  }
}

describe('the Ménil-Flin tariff file', () => {
  const building = loadBuilding();
  const tariff = loadTariff(DEFAULT_TARIFF_FILE, building);

  it('holds the documented defaults, in integer cents excluding VAT', () => {
    expect(tariff).toMatchObject({ schemaVersion: 1, currency: 'EUR', vatRateBp: 2000, blockMinutes: 15 });
    expect(tariff.payAsYouGo).toEqual({
      hourlyCents: 300, dayPassCents: 1500, dayMinimumMinutes: 30, tenDayCard: { priceCents: 12000, days: 10 }, capPlanId: 'hot-desk',
    });
    expect(tariff.network.overageCentsPerGB).toBe(50);
    const fee = (id: string) => tariff.plans.find((p) => p.id === id)?.monthlyFeeCents;
    expect(['hot-desk', 'fixed-desk', 'lab-bench', 'office-1', 'office-2', 'office-3', 'office-4'].map(fee))
      .toEqual([18000, 25000, 22000, 45000, 55000, 65000, 85000]);
    expect(Object.fromEntries(tariff.rooms.map((r) => [r.resourceId, r.hourlyCents]))).toEqual({
      'room-baccarat': 3000, 'room-luneville': 2500, 'room-vezouze': 2000, 'booth-1': 500, 'booth-2': 500,
    });
    expect(tariff.defaultPlans).toEqual({ member: 'nomad', resident: 'nomad', trainee: 'trainee', staff: 'staff', visitor: 'visitor' });
    expect(tariffBuildingProblems(tariff, building)).toEqual([]);
  });

  it('lists every schema problem of a bad file, with where and what it got', () => {
    const found = problems((t) => {
      t.currency = 'USD';
      t.vatRateBp = '20%';
      t.blockMinutes = 20;
      t.plans[1].monthlyFeeCents = -5;
      t.plans[2].billing = 'yearly';
      t.rooms[0].hourlyCents = 29.5;
      t.payAsYouGo.dayPass = 1500; // a misspelt key
      delete t.network;
    });
    const joined = found.join('\n');
    for (const where of ['/currency', '/vatRateBp', '/blockMinutes', '/plans/1/monthlyFeeCents', '/plans/2/billing', '/rooms/0/hourlyCents', '/payAsYouGo', 'network']) {
      expect(joined, `a problem at ${where}`).toContain(where);
    }
    expect(joined).toContain('(got -5)');
    expect(joined).toContain('(got "USD")');
  });

  it('lists every problem a schema cannot see, all together', () => {
    const found = problems((t) => {
      t.plans[2].id = t.plans[1].id; // fixed-desk renamed hot-desk
      t.plans[0].monthlyFeeCents = 1000; // nomad is pay-as-you-go
      t.plans[8].coversCompanyPeople = true; // trainee is funded
      t.rooms[1].hourlyCents = 2501; // not a whole number of cents per quarter hour
      t.rooms.push({ ...t.rooms[0] });
      t.payAsYouGo.hourlyCents = 301;
      t.payAsYouGo.capPlanId = 'nomad';
      t.defaultPlans.visitor = 'guest';
      t.effectiveFrom = '2026-02-30';
    });
    expect(found).toEqual([
      'plan "nomad" is pay-as-you-go but has a monthly fee of 1000 cents (only monthly plans have a fee)',
      'duplicate plan id "hot-desk"',
      'plan "trainee" covers a company\'s people but is not a monthly plan',
      'duplicate room "room-baccarat"',
      'payAsYouGo.hourlyCents: 301 cents an hour is not a whole number of cents per 15-minute block (use a multiple of 4)',
      'room "room-luneville": 2501 cents an hour is not a whole number of cents per 15-minute block (use a multiple of 4)',
      'defaultPlans.visitor: unknown plan "guest"',
      'payAsYouGo.capPlanId: plan "nomad" is not a monthly plan',
      'effectiveFrom: no such date "2026-02-30"',
    ]);
  });

  it('checks the tariff against the building: rooms are meeting rooms or booths, offices are offices', () => {
    const t = structuredClone(tariff) as Tariff;
    t.rooms[0] = { ...t.rooms[0]!, resourceId: 'training-meurthe' };
    t.rooms[1] = { ...t.rooms[1]!, resourceId: 'attic' };
    t.plans.find((p) => p.id === 'office-2')!.officeZone = 'lab';
    expect(tariffBuildingProblems(t, building)).toEqual([
      'room "training-meurthe" is a training zone, not a meeting room or a booth',
      'room "attic" is not a zone of the building',
      'plan "office-2" rents zone "lab", a lab zone, not an office',
    ]);
  });

  it('reports a file that is not JSON, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-tariff-'));
    try {
      const file = join(dir, 'tariff.json');
      writeFileSync(file, '{ "schemaVersion": 1, ');
      expect(() => loadTariff(file)).toThrow(TariffError);
      expect(() => loadTariff(file)).toThrow(/tariff\.json is invalid:\n {2}- cannot be read as JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
