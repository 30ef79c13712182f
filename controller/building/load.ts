import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { Building } from './schema.js';
import { bookingProblems } from './booking-checks.js';
import { buildingDevices } from './devices.js';
import { OUTSIDE } from './schema.js';
import { projectPath } from '../paths.js';

export const DEFAULT_BUILDING_FILE = projectPath('controller', 'building', 'menil-flin.json');
const checker = Compile(Building);

export class BuildingError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`building file ${file} is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BuildingError';
  }
}

/** Checks what a schema cannot: references between parts, unique ids, a valid time zone. */
export function buildingProblems(building: Building): string[] {
  const problems: string[] = [];
  const seen = (kind: string, ids: string[]): Set<string> => {
    const set = new Set<string>();
    for (const id of ids) {
      if (set.has(id)) problems.push(`duplicate ${kind} id "${id}"`);
      set.add(id);
    }
    return set;
  };
  const floors = seen('floor', building.floors.map((f) => f.id));
  const zones = seen('zone', building.zones.map((z) => z.id));
  seen('door', building.doors.map((d) => d.id));
  seen('desk', building.desks.map((d) => d.id));
  seen('device', buildingDevices(building).map((d) => d.deviceId));
  if (zones.has(OUTSIDE)) problems.push(`zone id "${OUTSIDE}" is reserved`);

  try {
    new Intl.DateTimeFormat('en', { timeZone: building.site.timeZone });
  } catch {
    problems.push(`unknown time zone "${building.site.timeZone}"`);
  }
  for (const z of building.zones) {
    if (!floors.has(z.floor)) problems.push(`zone "${z.id}" is on unknown floor "${z.floor}"`);
    if (z.parent !== undefined && !zones.has(z.parent)) problems.push(`zone "${z.id}" has unknown parent zone "${z.parent}"`);
    if (z.parent === z.id) problems.push(`zone "${z.id}" is its own parent`);
    for (const slot of z.publicHours ?? []) {
      if (slot.from >= slot.to) problems.push(`zone "${z.id}" has public hours ending before they start (${slot.from}–${slot.to})`);
    }
  }
  for (const d of building.doors) {
    if (d.from !== OUTSIDE && !zones.has(d.from)) problems.push(`door "${d.id}" leads from unknown zone "${d.from}"`);
    if (!zones.has(d.to)) problems.push(`door "${d.id}" leads to unknown zone "${d.to}"`);
    if (d.from === d.to) problems.push(`door "${d.id}" leads nowhere: from and to are both "${d.to}"`);
    const sides = d.readers.map((r) => r.side);
    if (new Set(sides).size !== sides.length) problems.push(`door "${d.id}" has two readers on the same side`);
  }
  for (const desk of building.desks) {
    if (!zones.has(desk.zone)) problems.push(`desk "${desk.id}" is in unknown zone "${desk.zone}"`);
  }
  for (const m of building.meters) {
    if (m.scope === 'floor' && (m.floor === undefined || !floors.has(m.floor))) {
      problems.push(`meter "${m.deviceId}" measures unknown floor "${m.floor ?? ''}"`);
    }
    for (const p of m.ports ?? []) {
      if (!zones.has(p.zone)) problems.push(`meter "${m.deviceId}" port "${p.port}" is in unknown zone "${p.zone}"`);
    }
  }
  problems.push(...bookingProblems(building));
  return problems;
}

export function parseBuilding(json: unknown, file = '<inline>'): Building {
  if (!checker.Check(json)) {
    const problems = [...checker.Errors(json)].slice(0, 20).map((e) => `${e.instancePath || '/'}: ${e.message}`);
    throw new BuildingError(file, problems);
  }
  const problems = buildingProblems(json);
  if (problems.length > 0) throw new BuildingError(file, problems);
  return json;
}

export function loadBuilding(file = DEFAULT_BUILDING_FILE): Building {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BuildingError(file, [`cannot be read as JSON: ${(err as Error).message}`]);
  }
  return parseBuilding(json, file);
}
