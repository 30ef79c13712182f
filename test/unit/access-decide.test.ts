import { describe, expect, it } from 'vitest';
import { decide, type AccessView, type DoorFacts } from '../../controller/access/decide.js';
import type {
  AccessGroup, Credential, GroupMembership, Person, Schedule, TrainingSession, VisitorPass,
} from '../../controller/access/model.js';
import { pinHash } from '../../controller/access/pin.js';

const TZ = 'Europe/Paris';
// Wednesday 2026-06-10, 10:00 local (08:00 UTC)
const WED_10H = Date.parse('2026-06-10T08:00:00Z');

/** A small building: outside → hall → coworking ⊃ room-baccarat, hall → server-room (PIN). */
function view(over: Partial<{
  people: Person[]; credentials: Credential[]; memberships: GroupMembership[]; groups: AccessGroup[]; schedules: Schedule[];
  sessions: TrainingSession[]; passes: VisitorPass[]; occupancy: Record<string, number>; emergency: AccessView['emergency'];
  locked: string[]; passback: AccessView['passbackSettings']; passbackState: Record<number, { side: 'inside' | 'outside'; at: number }>;
  closures: AccessView['closures'];
}> = {}): AccessView {
  const doors: Record<string, DoorFacts> = {
    'main-entrance': { id: 'main-entrance', from: 'outside', to: 'hall', pinRequired: false, unlockMs: 5000, passback: true },
    coworking: { id: 'coworking', from: 'hall', to: 'coworking', pinRequired: false, unlockMs: 5000, passback: false },
    'room-baccarat': { id: 'room-baccarat', from: 'coworking', to: 'room-baccarat', pinRequired: false, unlockMs: 5000, passback: false },
    'server-room': { id: 'server-room', from: 'hall', to: 'server-room', pinRequired: true, unlockMs: 3000, passback: false },
    lab: { id: 'lab', from: 'hall', to: 'lab', pinRequired: false, unlockMs: 5000, passback: false },
  };
  const ways: Record<string, string[]> = {
    hall: ['hall'], coworking: ['hall', 'coworking'], 'room-baccarat': ['hall', 'coworking', 'room-baccarat'],
    'server-room': ['hall', 'server-room'], lab: ['hall', 'lab'],
  };
  const parents: Record<string, string> = { 'room-baccarat': 'coworking' };
  const children: Record<string, string[]> = { coworking: ['room-baccarat'] };
  const people = over.people ?? [
    { id: 1, kind: 'member', name: 'Camille', companyId: null, active: true },
    { id: 2, kind: 'staff', name: 'Sam', companyId: null, active: true },
  ];
  const credentials = over.credentials ?? [
    { id: 11, personId: 1, uid: '04AA0001', pinHash: null, status: 'active', validFrom: null, validUntil: null },
    { id: 12, personId: 2, uid: '04BB0002', pinHash: pinHash('04BB0002', '2468'), status: 'active', validFrom: null, validUntil: null },
  ];
  const schedules = over.schedules ?? [
    { id: 1, name: 'weekdays', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }], openOnHolidays: false },
    { id: 2, name: 'always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true },
  ];
  const groups = over.groups ?? [
    { id: 1, name: 'Coworkers', grants: [{ zoneId: 'hall', scheduleId: 1 }, { zoneId: 'coworking', scheduleId: 1 }] },
    { id: 2, name: 'Staff', grants: [{ zoneId: 'hall', scheduleId: 2 }, { zoneId: 'coworking', scheduleId: 2 }, { zoneId: 'server-room', scheduleId: 2 }] },
  ];
  const memberships = over.memberships ?? [
    { personId: 1, groupId: 1, validFrom: null, validUntil: null },
    { personId: 2, groupId: 2, validFrom: null, validUntil: null },
  ];
  const capacity: Record<string, number> = { hall: 60, coworking: 3, 'room-baccarat': 8, 'server-room': 2 };
  return {
    timeZone: TZ,
    door: (id) => doors[id],
    credentialByUid: (uid) => credentials.find((c) => c.uid === uid),
    person: (id) => people.find((p) => p.id === id),
    memberships: (pid) => memberships.filter((m) => m.personId === pid),
    group: (id) => groups.find((g) => g.id === id),
    schedule: (id) => schedules.find((s) => s.id === id),
    closures: over.closures ?? [],
    trainingSessions: (pid) => (over.sessions ?? []).filter((s) => s.traineeIds.includes(pid)),
    bookingGrants: () => [],
    visitorPasses: (pid) => (over.passes ?? []).filter((p) => p.personId === pid),
    doorPolicy: (doorId) => ({ doorId, mode: over.locked?.includes(doorId) ? 'locked' : 'normal', unlockSlots: [] }),
    emergency: over.emergency ?? { mode: 'none', setBy: null, setAt: null, revertAt: null },
    zoneAncestry: (z) => (parents[z] === undefined ? [z] : [z, parents[z] as string]),
    zoneSubtree: (z) => [z, ...(children[z] ?? [])],
    reaches: (z, destination) => (ways[destination] ?? []).includes(z) || [destination, ...(children[destination] ?? [])].includes(z),
    capacity: (z) => capacity[z] ?? Infinity,
    occupancy: (z) => [z, ...(children[z] ?? [])].reduce((n, zone) => n + (over.occupancy?.[zone] ?? 0), 0),
    passbackSettings: over.passback ?? { mode: 'off', resetAfterMs: 3_600_000 },
    passbackState: (pid) => over.passbackState?.[pid],
  };
}

const badge = (uid: string, doorId = 'coworking', at = WED_10H, extra: { side?: 'outside' | 'inside'; pin?: string } = {}) => ({
  doorId, side: extra.side ?? 'outside' as const, uid, at, ...(extra.pin === undefined ? {} : { pinHash: pinHash(uid, extra.pin) }),
});

describe('access decision', () => {
  it('grants a coworker during their schedule, with the door\'s unlock time, naming the zones', () => {
    expect(decide(view(), badge('04AA0001'))).toEqual({
      grant: true, reason: 'granted', unlockMs: 5000, credentialId: 11, personId: 1, fromZone: 'hall', toZone: 'coworking',
    });
  });

  it('covers the zones inside a granted zone (the meeting rooms of the coworking)', () => {
    expect(decide(view(), badge('04AA0001', 'room-baccarat')).reason).toBe('granted');
  });

  it.each([
    ['unknown badge', () => decide(view(), badge('04FFFFFF')), 'unknown_credential'],
    ['outside the weekly schedule (Wednesday 21:00)', () => decide(view(), badge('04AA0001', 'coworking', Date.parse('2026-06-10T19:00:00Z'))), 'outside_schedule'],
    ['a zone no group grants', () => decide(view(), badge('04AA0001', 'lab')), 'not_allowed'],
    ['a PIN door to a badge that has no PIN', () => decide(view(), badge('04AA0001', 'server-room', WED_10H, { pin: '1234' })), 'pin_required'],
    ['a lost badge', () => decide(view({ credentials: [{ id: 11, personId: 1, uid: '04AA0001', pinHash: null, status: 'lost', validFrom: null, validUntil: null }] }), badge('04AA0001')), 'blocked'],
    ['a deactivated person', () => decide(view({ people: [{ id: 1, kind: 'member', name: 'C', companyId: null, active: false }] }), badge('04AA0001')), 'blocked'],
    ['a badge past its validity', () => decide(view({ credentials: [{ id: 11, personId: 1, uid: '04AA0001', pinHash: null, status: 'active', validFrom: null, validUntil: WED_10H }] }), badge('04AA0001')), 'pass_expired'],
    ['a locked door', () => decide(view({ locked: ['coworking'] }), badge('04AA0001')), 'door_locked'],
    ['a full zone', () => decide(view({ occupancy: { coworking: 3 } }), badge('04AA0001')), 'zone_full'],
    ['a full zone counted with the rooms inside it', () => decide(view({ occupancy: { coworking: 1, 'room-baccarat': 2 } }), badge('04AA0001', 'coworking')), 'zone_full'],
  ])('denies %s', (_name, run, reason) => {
    const d = run();
    expect(d.grant).toBe(false);
    expect(d.reason).toBe(reason);
    expect(d.unlockMs).toBe(0);
  });

  it('denies a member on a public holiday unless the schedule opens on holidays', () => {
    const bastilleDay = Date.parse('2026-07-14T08:00:00Z'); // a Tuesday, 10:00 local
    expect(decide(view(), badge('04AA0001', 'coworking', bastilleDay)).reason).toBe('outside_schedule');
    expect(decide(view(), badge('04BB0002', 'coworking', bastilleDay)).reason).toBe('granted');
    expect(decide(view({ closures: [{ date: '2026-06-10', name: 'Inventory' }] }), badge('04AA0001')).reason).toBe('outside_schedule');
  });

  it('asks the server room for the right PIN', () => {
    expect(decide(view(), badge('04BB0002', 'server-room')).reason).toBe('pin_required');
    expect(decide(view(), badge('04BB0002', 'server-room', WED_10H, { pin: '0000' })).reason).toBe('wrong_pin');
    expect(decide(view(), badge('04BB0002', 'server-room', WED_10H, { pin: '2468' }))).toMatchObject({ grant: true, unlockMs: 3000 });
  });

  it('lets a lockdown beat every schedule but staff, and an evacuation refuse every entry', () => {
    const lockdown = { mode: 'lockdown' as const, setBy: 'sam', setAt: WED_10H, revertAt: null };
    expect(decide(view({ emergency: lockdown }), badge('04AA0001')).reason).toBe('lockdown');
    expect(decide(view({ emergency: lockdown }), badge('04BB0002')).reason).toBe('granted');
    const evacuation = { mode: 'evacuation' as const, setBy: 'sam', setAt: WED_10H, revertAt: null };
    expect(decide(view({ emergency: evacuation }), badge('04BB0002')).reason).toBe('evacuation');
    expect(decide(view({ emergency: evacuation }), badge('04AA0001', 'main-entrance', WED_10H, { side: 'inside' })).grant).toBe(true);
  });

  it('opens the training wing to a trainee from 30 minutes before their session to its end', () => {
    const trainee: Person = { id: 3, kind: 'trainee', name: 'T', companyId: null, active: true };
    const session: TrainingSession = {
      id: 1, zoneId: 'room-baccarat', name: 'CV workshop', traineeIds: [3],
      startsAt: Date.parse('2026-06-10T12:00:00Z'), endsAt: Date.parse('2026-06-10T14:00:00Z'),
    };
    const v = view({
      people: [trainee], sessions: [session], memberships: [],
      credentials: [{ id: 13, personId: 3, uid: '04CC0003', pinHash: null, status: 'active', validFrom: null, validUntil: null }],
    });
    expect(decide(v, badge('04CC0003', 'room-baccarat', Date.parse('2026-06-10T11:29:00Z'))).reason).toBe('outside_schedule');
    expect(decide(v, badge('04CC0003', 'room-baccarat', Date.parse('2026-06-10T11:30:00Z'))).reason).toBe('granted');
    expect(decide(v, badge('04CC0003', 'coworking', Date.parse('2026-06-10T13:00:00Z'))).reason).toBe('granted'); // the way to the room
    expect(decide(v, badge('04CC0003', 'room-baccarat', Date.parse('2026-06-10T14:00:00Z'))).reason).toBe('outside_schedule');
  });

  it('lets a visitor in on a pass while it is valid and has uses left', () => {
    const visitor: Person = { id: 4, kind: 'visitor', name: 'V', companyId: null, active: true };
    const pass = (uses: number): VisitorPass => ({
      id: 7, personId: 4, hostPersonId: 1, validFrom: Date.parse('2026-06-10T06:00:00Z'), validUntil: Date.parse('2026-06-10T16:00:00Z'),
      maxUses: 2, uses, zoneIds: ['coworking'],
    });
    const creds: Credential[] = [{ id: 14, personId: 4, uid: '04DD0004', pinHash: null, status: 'active', validFrom: null, validUntil: null }];
    const v = (uses: number) => view({ people: [visitor], credentials: creds, memberships: [], passes: [pass(uses)] });
    expect(decide(v(0), badge('04DD0004'))).toMatchObject({ grant: true, passId: 7 });
    expect(decide(v(0), badge('04DD0004', 'main-entrance')).grant).toBe(true); // the hall leads to the coworking
    expect(decide(v(2), badge('04DD0004')).reason).toBe('pass_expired');
    expect(decide(v(0), badge('04DD0004', 'coworking', Date.parse('2026-06-10T16:00:00Z'))).reason).toBe('pass_expired');
  });

  it('applies anti-passback at the main entrance: hard denies, soft grants with an alert, both reset after their delay', () => {
    const inside = { 1: { side: 'inside' as const, at: WED_10H - 60_000 } };
    const entry = badge('04AA0001', 'main-entrance');
    expect(decide(view({ passback: { mode: 'hard', resetAfterMs: 3_600_000 }, passbackState: inside }), entry).reason).toBe('anti_passback');
    const soft = decide(view({ passback: { mode: 'soft', resetAfterMs: 3_600_000 }, passbackState: inside }), entry);
    expect(soft).toMatchObject({ grant: true, alert: 'anti_passback' });
    const old = { 1: { side: 'inside' as const, at: WED_10H - 3_600_000 } };
    expect(decide(view({ passback: { mode: 'hard', resetAfterMs: 3_600_000 }, passbackState: old }), entry).grant).toBe(true);
    // leaving needs to have come in
    const exit = badge('04AA0001', 'main-entrance', WED_10H, { side: 'inside' });
    const outside = { 1: { side: 'outside' as const, at: WED_10H - 60_000 } };
    expect(decide(view({ passback: { mode: 'hard', resetAfterMs: 3_600_000 }, passbackState: outside }), exit).reason).toBe('anti_passback');
  });
});
