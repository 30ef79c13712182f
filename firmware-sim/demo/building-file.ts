import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo's own copy of the building file, with the booking rules scaled to a demo. The day runs
 * 120 times faster than real time but the controller keeps real time, so rules in real minutes
 * (15-minute slots, a 15-minute no-show grace) would never play out while the demo runs: its copy
 * has the shortest the building file's schema allows (5-minute slots, a 1-minute grace and door
 * margin), no cancellation deadline, and bookings at every hour (the demo may run at night). The
 * building itself (zones, doors, devices) is unchanged. Plain JSON: firmware-sim does not import
 * the controller, which validates the file when it starts.
 */

export const demoBookingRules = {
  slotMinutes: 5, // the schema's minimum
  graceMinutes: 1, // idem
  marginMinutes: 1, // the door opens a minute before and closes a minute after
  cancelBeforeMinutes: 0,
};

const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function demoBuilding(json: unknown): unknown {
  const building = structuredClone(json) as { booking?: { rules?: Record<string, Record<string, unknown>> } };
  for (const rules of Object.values(building.booking?.rules ?? {})) {
    Object.assign(rules, demoBookingRules, { openingHours: [{ days: ALL_WEEK, from: '00:00', to: '24:00' }] });
    const max = Number(rules.maxMinutes);
    if (Number.isFinite(max)) rules.maxMinutes = Math.max(demoBookingRules.slotMinutes, Math.ceil(max / demoBookingRules.slotMinutes) * demoBookingRules.slotMinutes);
  }
  return building;
}

/** Writes the demo's building file into `dir` (the demo's data folder); its path. */
export function writeDemoBuilding(source: string, dir: string): string {
  const file = join(dir, 'building.json');
  writeFileSync(file, `${JSON.stringify(demoBuilding(JSON.parse(readFileSync(source, 'utf8'))), null, 2)}\n`);
  return file;
}
