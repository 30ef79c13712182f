import type Database from 'better-sqlite3';
import type { Building } from '../building/schema.js';
import type { WeeklySlot } from './model.js';

const WEEKDAYS: WeeklySlot['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const ALL_DAYS: WeeklySlot['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * The centre's starting rules, written once into an empty database so a fresh install opens its
 * doors sensibly; managers change them through the API afterwards.
 */
export function seedAccessRules(sqlite: Database.Database, building: Building): boolean {
  const empty = (sqlite.prepare('SELECT count(*) AS n FROM schedules').get() as { n: number }).n === 0;
  if (!empty) return false;
  sqlite.transaction(() => {
    const schedule = sqlite.prepare('INSERT INTO schedules (name, slots, open_on_holidays) VALUES (?, ?, ?)');
    const id = (name: string, slots: WeeklySlot[], holidays: boolean) => Number(schedule.run(name, JSON.stringify(slots), holidays ? 1 : 0).lastInsertRowid);
    const always = id('Always', [{ days: ALL_DAYS, from: '00:00', to: '24:00' }], true);
    const coworking = id('Coworking hours', [{ days: WEEKDAYS, from: '07:00', to: '21:00' }, { days: ['sat'], from: '09:00', to: '13:00' }], false);
    const office = id('Office hours', [{ days: WEEKDAYS, from: '07:30', to: '20:00' }], false);
    const residents = id('Residents (every day, 6:00–23:00)', [{ days: ALL_DAYS, from: '06:00', to: '23:00' }], true);

    const group = sqlite.prepare('INSERT INTO access_groups (name) VALUES (?)');
    const grant = sqlite.prepare('INSERT INTO access_grants (group_id, zone_id, schedule_id) VALUES (?, ?, ?)');
    const add = (name: string, grants: Array<[string, number]>) => {
      const g = Number(group.run(name).lastInsertRowid);
      for (const [zone, s] of grants) grant.run(g, zone, s);
    };
    add('Staff', building.zones.filter((z) => z.parent === undefined).map((z) => [z.id, always]));
    add('Coworkers', [['hall', coworking], ['coworking', coworking]]);
    add('Lab members', [['hall', office], ['lab', office], ['coworking', office]]);
    add('Company residents', [['hall', residents], ['coworking', residents]]);
    add('Trainees', [['hall', office]]);

    // Doors with public hours (the museum) are unlocked by schedule.
    const policy = sqlite.prepare("INSERT INTO door_policies (door_id, mode, unlock_slots) VALUES (?, 'normal', ?)");
    for (const door of building.doors) {
      const slots = building.zones.find((z) => z.id === door.to)?.publicHours;
      if (slots !== undefined && slots.length > 0) policy.run(door.id, JSON.stringify(slots));
    }
    sqlite.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('anti_passback', ?)").run(JSON.stringify({ mode: 'soft', resetAfterMs: 12 * 3_600_000 }));
  })();
  return true;
}
