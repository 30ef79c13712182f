import type { Building } from '../building/schema.js';
import type { BookingRules, Resource } from './model.js';

export const bookingDefaults = {
  graceMinutes: 15, // no-show release 15 minutes after the start
  marginMinutes: 10, // the door opens 10 minutes before and stays open 10 minutes after
};

/**
 * The bookable resources of the building file, resolved once: each with its rules (defaults
 * filled in), its zone, its seats, the sensor that shows whether somebody is there and the doors
 * into it. load.ts has already checked every reference, so nothing here can be missing.
 */
export class ResourceCatalog {
  readonly #byId = new Map<string, Resource>();

  constructor(building: Building) {
    const section = building.booking;
    if (section === undefined) return;
    const zones = new Map(building.zones.map((z) => [z.id, z]));
    const desks = new Map(building.desks.map((d) => [d.id, d]));
    for (const r of section.resources) {
      const raw = section.rules[r.rules];
      if (raw === undefined) continue;
      const rules: BookingRules = {
        openingHours: raw.openingHours, slotMinutes: raw.slotMinutes, maxMinutes: raw.maxMinutes, maxAheadDays: raw.maxAheadDays,
        cancelBeforeMinutes: raw.cancelBeforeMinutes, graceMinutes: raw.graceMinutes ?? bookingDefaults.graceMinutes,
        marginMinutes: raw.marginMinutes ?? bookingDefaults.marginMinutes, groups: raw.groups ?? null,
      };
      const desk = r.desk === undefined ? undefined : desks.get(r.desk);
      const zoneId = desk?.zone ?? (r.zone as string);
      // A room is watched by its presence sensor (a desk of kind 'room' in its zone), a desk by its own sensor.
      const sensor = desk ?? building.desks.find((d) => d.kind === 'room' && d.zone === zoneId);
      this.#byId.set(r.id, {
        id: r.id, name: r.name ?? (desk === undefined ? zones.get(zoneId)?.name ?? r.id : `Desk ${desk.id}`),
        kind: desk === undefined ? 'room' : 'desk', zoneId, deskId: desk?.id ?? null,
        seats: desk === undefined ? zones.get(zoneId)?.seats ?? null : 1,
        rules, sensorDeskId: sensor?.id ?? null, sensorId: sensor?.sensor ?? null,
        doorIds: building.doors.filter((d) => d.to === zoneId).map((d) => d.id),
      });
    }
  }

  get(id: string): Resource | undefined {
    return this.#byId.get(id);
  }

  all(): Resource[] {
    return [...this.#byId.values()];
  }

  rooms(): Resource[] {
    return this.all().filter((r) => r.kind === 'room');
  }
}
