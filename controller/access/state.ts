import type Database from 'better-sqlite3';
import type { Building } from '../building/schema.js';
import { OUTSIDE } from '../building/schema.js';
import type { AccessView, DoorFacts } from './decide.js';
import { decisionDefaults } from './decide.js';
import type {
  AccessGroup, AntiPassbackSettings, BookingGrant, Closure, Credential, DoorPolicy, EmergencyState, GroupMembership, PassbackState,
  Person, Schedule, TrainingSession, VisitorPass, WeeklySlot,
} from './model.js';
import { groupBy } from '../group-by.js';

const NO_EMERGENCY: EmergencyState = { mode: 'none', setBy: null, setAt: null, revertAt: null };
export const passbackDefaults: AntiPassbackSettings = { mode: 'soft', resetAfterMs: 12 * 3_600_000 }; // reset after 12 h

/**
 * For each zone, the zones one crosses from outside to reach it, through the doors (breadth
 * first: the shortest way). A zone without a door of its own is reached through its parent.
 */
function waysIn(building: Building): Map<string, Set<string>> {
  const way = new Map<string, Set<string>>([[OUTSIDE, new Set()]]);
  const queue = [OUTSIDE];
  while (queue.length > 0) {
    const from = queue.shift() as string;
    for (const door of building.doors.filter((d) => d.from === from && !way.has(d.to))) {
      way.set(door.to, new Set([...(way.get(from) ?? []), door.to]));
      queue.push(door.to);
    }
  }
  const resolve = (zoneId: string, depth = 0): Set<string> => {
    const known = way.get(zoneId);
    if (known !== undefined || depth > 20) return known ?? new Set([zoneId]);
    const parent = building.zones.find((z) => z.id === zoneId)?.parent;
    const through = new Set([...(parent === undefined ? [] : resolve(parent, depth + 1)), zoneId]);
    way.set(zoneId, through);
    return through;
  };
  for (const z of building.zones) resolve(z.id);
  return way;
}

/**
 * The access-control data held in memory so a badge is decided without touching the disk.
 * Loaded from SQLite at start and reloaded after every change made through the API (rare);
 * where people are (occupancy, anti-passback) changes with each passage and is kept current here
 * and written through by the access service.
 */
export class AccessState implements AccessView {
  readonly timeZone: string;
  #doors = new Map<string, DoorFacts>();
  #parents = new Map<string, string>();
  #children = new Map<string, string[]>();
  #capacity = new Map<string, number>();
  #way = new Map<string, Set<string>>(); // zone → zones crossed from outside to reach it
  #credentials = new Map<string, Credential>();
  #people = new Map<number, Person>();
  #memberships = new Map<number, GroupMembership[]>();
  #groups = new Map<number, AccessGroup>();
  #schedules = new Map<number, Schedule>();
  #sessions = new Map<number, TrainingSession[]>();
  #bookings = new Map<number, BookingGrant[]>(); // personId → bookings they hold or are a guest of
  #passes = new Map<number, VisitorPass[]>();
  #policies = new Map<string, DoorPolicy>();
  #location = new Map<number, string>(); // personId → zone they are in
  #headcount = new Map<string, number>(); // zoneId → people whose location is exactly that zone
  #passback = new Map<number, PassbackState>();
  closures: Closure[] = [];
  emergency: EmergencyState = NO_EMERGENCY;
  passbackSettings: AntiPassbackSettings = passbackDefaults;

  /** `clock` only bounds what reload() keeps of the bookings: those whose window has not ended. */
  constructor(building: Building, private readonly sqlite: Database.Database, private readonly clock: () => number = () => 0) {
    this.timeZone = building.site.timeZone;
    for (const z of building.zones) {
      this.#capacity.set(z.id, z.capacity);
      if (z.parent !== undefined) {
        this.#parents.set(z.id, z.parent);
        this.#children.set(z.parent, [...(this.#children.get(z.parent) ?? []), z.id]);
      }
    }
    this.#way = waysIn(building);
    for (const d of building.doors) {
      this.#doors.set(d.id, {
        id: d.id, from: d.from, to: d.to, pinRequired: d.pinRequired ?? false,
        unlockMs: (d.unlockS ?? decisionDefaults.unlockMs / 1000) * 1000,
        passback: d.from === OUTSIDE && d.readers.length === 2,
      });
    }
  }

  /** Reads every table of access control; called at start and after each change through the API. */
  reload(): void {
    const all = <T>(sql: string) => this.sqlite.prepare(sql).all() as T[];
    this.#people = new Map(all<Omit<Person, 'active'> & { active: number }>('SELECT id, kind, name, company_id AS companyId, active FROM people')
      .map((p) => [p.id, { ...p, active: Boolean(p.active) }]));
    this.#credentials = new Map(all<Credential>(
      'SELECT id, person_id AS personId, uid, pin_hash AS pinHash, status, valid_from AS validFrom, valid_until AS validUntil FROM credentials',
    ).map((c) => [c.uid, c]));
    this.#memberships = groupBy(all<GroupMembership>(
      'SELECT person_id AS personId, group_id AS groupId, valid_from AS validFrom, valid_until AS validUntil FROM group_memberships',
    ), (m) => m.personId);
    const grants = groupBy(all<{ groupId: number; zoneId: string; scheduleId: number }>(
      'SELECT group_id AS groupId, zone_id AS zoneId, schedule_id AS scheduleId FROM access_grants',
    ), (g) => g.groupId);
    this.#groups = new Map(all<{ id: number; name: string }>('SELECT id, name FROM access_groups')
      .map((g) => [g.id, { ...g, grants: (grants.get(g.id) ?? []).map(({ zoneId, scheduleId }) => ({ zoneId, scheduleId })) }]));
    this.#schedules = new Map(all<{ id: number; name: string; slots: string; openOnHolidays: number }>(
      'SELECT id, name, slots, open_on_holidays AS openOnHolidays FROM schedules',
    ).map((s) => [s.id, { ...s, slots: JSON.parse(s.slots) as WeeklySlot[], openOnHolidays: Boolean(s.openOnHolidays) }]));
    this.closures = all<Closure>('SELECT date, name FROM closures');
    const enrolled = groupBy(all<{ sessionId: number; personId: number }>(
      'SELECT session_id AS sessionId, person_id AS personId FROM training_enrollments',
    ), (e) => e.sessionId);
    const sessions = all<Omit<TrainingSession, 'traineeIds'>>(
      'SELECT id, zone_id AS zoneId, name, starts_at AS startsAt, ends_at AS endsAt FROM training_sessions',
    ).map((s) => ({ ...s, traineeIds: (enrolled.get(s.id) ?? []).map((e) => e.personId) }));
    this.#sessions = new Map();
    for (const s of sessions) for (const p of s.traineeIds) this.#sessions.set(p, [...(this.#sessions.get(p) ?? []), s]);
    // Holders and guests, each indexed under their own id; blocks grant nobody, cancelled rows nothing.
    this.#bookings = new Map();
    const bookings = this.sqlite.prepare(
      `SELECT b.id AS bookingId, b.zone_id AS zoneId, b.access_from AS "from", b.access_until AS "until", b.person_id AS personId
         FROM bookings b WHERE b.status <> 'cancelled' AND b.person_id IS NOT NULL AND b.access_until > ?
       UNION ALL
       SELECT b.id, b.zone_id, b.access_from, b.access_until, g.person_id
         FROM booking_guests g JOIN bookings b ON b.id = g.booking_id WHERE b.status <> 'cancelled' AND b.access_until > ?`,
    ).all(this.clock(), this.clock()) as Array<BookingGrant & { personId: number }>;
    for (const { personId, ...grant } of bookings) this.#bookings.set(personId, [...(this.#bookings.get(personId) ?? []), grant]);
    this.#passes = groupBy(all<Omit<VisitorPass, 'zoneIds'> & { zoneIds: string }>(
      `SELECT id, person_id AS personId, host_person_id AS hostPersonId, valid_from AS validFrom, valid_until AS validUntil,
              max_uses AS maxUses, uses, zone_ids AS zoneIds FROM visitor_passes`,
    ).map((p) => ({ ...p, zoneIds: JSON.parse(p.zoneIds) as string[] })), (p) => p.personId);
    this.#policies = new Map(all<{ doorId: string; mode: DoorPolicy['mode']; unlockSlots: string }>(
      'SELECT door_id AS doorId, mode, unlock_slots AS unlockSlots FROM door_policies',
    ).map((p) => [p.doorId, { ...p, unlockSlots: JSON.parse(p.unlockSlots) as WeeklySlot[] }]));
    const emergency = this.sqlite.prepare(
      'SELECT mode, set_by AS setBy, set_at AS setAt, revert_at AS revertAt FROM emergencies WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1',
    ).get() as EmergencyState | undefined;
    this.emergency = emergency ?? NO_EMERGENCY;
    const apb = this.sqlite.prepare("SELECT value FROM settings WHERE key = 'anti_passback'").get() as { value: string } | undefined;
    this.passbackSettings = apb === undefined ? passbackDefaults : (JSON.parse(apb.value) as AntiPassbackSettings);
  }

  /** Where people are: the last passage of each, and anti-passback states; at start only. */
  loadWhereabouts(): void {
    this.#passback = new Map((this.sqlite.prepare('SELECT person_id AS personId, side, at FROM passback').all() as Array<PassbackState & { personId: number }>)
      .map(({ personId, side, at }) => [personId, { side, at }]));
    const last = this.sqlite.prepare(
      `SELECT person_id AS personId, to_zone AS zone, at FROM passages p
       WHERE person_id IS NOT NULL AND id = (SELECT max(id) FROM passages q WHERE q.person_id = p.person_id)`,
    ).all() as Array<{ personId: number; zone: string; at: number }>;
    this.#location.clear();
    this.#headcount.clear();
    for (const { personId, zone, at } of last) {
      // Checked out since their last passage (the cut-off, a manager): they are outside.
      const side = this.#passback.get(personId);
      if (side?.side === 'outside' && side.at >= at) continue;
      this.moveTo(personId, zone);
    }
  }

  door(doorId: string): DoorFacts | undefined {
    return this.#doors.get(doorId);
  }
  credentialByUid(uid: string): Credential | undefined {
    return this.#credentials.get(uid);
  }
  credentials(): IterableIterator<Credential> {
    return this.#credentials.values();
  }
  person(id: number): Person | undefined {
    return this.#people.get(id);
  }
  memberships(personId: number): GroupMembership[] {
    return this.#memberships.get(personId) ?? [];
  }
  group(id: number): AccessGroup | undefined {
    return this.#groups.get(id);
  }
  schedule(id: number): Schedule | undefined {
    return this.#schedules.get(id);
  }
  trainingSessions(personId: number): TrainingSession[] {
    return this.#sessions.get(personId) ?? [];
  }
  bookingGrants(personId: number): BookingGrant[] {
    return this.#bookings.get(personId) ?? [];
  }
  visitorPasses(personId: number): VisitorPass[] {
    return this.#passes.get(personId) ?? [];
  }
  doorPolicy(doorId: string): DoorPolicy {
    return this.#policies.get(doorId) ?? { doorId, mode: 'normal', unlockSlots: [] };
  }
  zoneAncestry(zoneId: string): string[] {
    const out = [zoneId];
    for (let z = this.#parents.get(zoneId); z !== undefined; z = this.#parents.get(z)) out.push(z);
    return out;
  }
  zoneSubtree(zoneId: string): string[] {
    const out = [zoneId];
    for (let i = 0; i < out.length; i++) out.push(...(this.#children.get(out[i] as string) ?? []));
    return out;
  }
  reaches(zoneId: string, destination: string): boolean {
    return (this.#way.get(destination)?.has(zoneId) ?? false) || this.zoneSubtree(destination).includes(zoneId);
  }
  capacity(zoneId: string): number {
    return this.#capacity.get(zoneId) ?? Number.POSITIVE_INFINITY;
  }
  occupancy(zoneId: string): number {
    return this.zoneSubtree(zoneId).reduce((n, z) => n + (this.#headcount.get(z) ?? 0), 0);
  }
  whereIs(personId: number): string | undefined {
    return this.#location.get(personId);
  }
  passbackState(personId: number): PassbackState | undefined {
    return this.#passback.get(personId);
  }

  /** A confirmed passage: the person is now in `zone` ('outside' removes them from every count). */
  moveTo(personId: number, zone: string): void {
    const previous = this.#location.get(personId);
    if (previous !== undefined) this.#headcount.set(previous, (this.#headcount.get(previous) ?? 1) - 1);
    if (zone === OUTSIDE) {
      this.#location.delete(personId);
      return;
    }
    this.#location.set(personId, zone);
    this.#headcount.set(zone, (this.#headcount.get(zone) ?? 0) + 1);
  }

  setPassback(personId: number, state: PassbackState): void {
    this.#passback.set(personId, state);
  }

  usePass(passId: number): void {
    for (const passes of this.#passes.values()) {
      const pass = passes.find((p) => p.id === passId);
      if (pass !== undefined) pass.uses += 1;
    }
  }
}
