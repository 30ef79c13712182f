import type { Building } from './schema.js';

const DAY_MINUTES = 1440;

/**
 * What the schema cannot check of the `booking` section: rule sets and resources that refer to
 * each other, to zones and to desks, and grids that fit a day. Every problem is reported, each
 * naming what to fix. A room whose zone has no presence sensor is allowed: its no-show release
 * then relies on the door alone (and a room with neither is never released: nobody can tell).
 */
export function bookingProblems(building: Building): string[] {
  const section = building.booking;
  if (section === undefined) return [];
  const problems: string[] = [];
  const zones = new Set(building.zones.map((z) => z.id));
  const desks = new Map(building.desks.map((d) => [d.id, d]));

  for (const [name, rules] of Object.entries(section.rules)) {
    const where = `booking rule set "${name}"`;
    if (DAY_MINUTES % rules.slotMinutes !== 0) problems.push(`${where}: slotMinutes ${rules.slotMinutes} does not divide a day (1440 minutes)`);
    if (rules.maxMinutes % rules.slotMinutes !== 0) problems.push(`${where}: maxMinutes ${rules.maxMinutes} is not a whole number of ${rules.slotMinutes}-minute slots`);
    for (const slot of rules.openingHours) {
      if (slot.from === slot.to) problems.push(`${where}: opening hours ${slot.from}–${slot.to} are empty`);
      const onGrid = (hhmm: string) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) % rules.slotMinutes === 0;
      if (!onGrid(slot.from) || !onGrid(slot.to)) problems.push(`${where}: opening hours ${slot.from}–${slot.to} are not on the ${rules.slotMinutes}-minute grid`);
    }
    if (rules.groups !== undefined && new Set(rules.groups).size !== rules.groups.length) problems.push(`${where}: a group is listed twice`);
  }

  const ids = new Set<string>();
  for (const r of section.resources) {
    const where = `bookable resource "${r.id}"`;
    if (ids.has(r.id)) problems.push(`duplicate bookable resource id "${r.id}"`);
    ids.add(r.id);
    if (section.rules[r.rules] === undefined) problems.push(`${where} uses unknown rule set "${r.rules}"`);
    if ((r.zone === undefined) === (r.desk === undefined)) {
      problems.push(`${where} must name either a zone (a room) or a desk, not ${r.zone === undefined ? 'neither' : 'both'}`);
      continue;
    }
    if (r.zone !== undefined && !zones.has(r.zone)) problems.push(`${where} is in unknown zone "${r.zone}"`);
    if (r.desk !== undefined) {
      const desk = desks.get(r.desk);
      if (desk === undefined) problems.push(`${where} is unknown desk "${r.desk}"`);
      else if (desk.kind === 'room') problems.push(`${where}: "${r.desk}" is a room's presence sensor, not a desk: book the room by its zone`);
    }
  }
  const rooms = section.resources.filter((r) => r.zone !== undefined).map((r) => r.zone as string);
  for (const zone of new Set(rooms.filter((z, i) => rooms.indexOf(z) !== i))) problems.push(`zone "${zone}" is bookable twice (two resources name it)`);
  const booked = section.resources.filter((r) => r.desk !== undefined).map((r) => r.desk as string);
  for (const desk of new Set(booked.filter((d, i) => booked.indexOf(d) !== i))) problems.push(`desk "${desk}" is bookable twice (two resources name it)`);
  // One presence sensor per room: two would leave "is anybody in?" ambiguous.
  const sensors = building.desks.filter((d) => d.kind === 'room').map((d) => d.zone);
  for (const zone of new Set(sensors.filter((z, i) => sensors.indexOf(z) !== i))) problems.push(`zone "${zone}" has more than one room presence sensor`);
  return problems;
}
