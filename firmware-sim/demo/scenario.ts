import type { BuildingDevices, SimDeviceSpec } from '../building-devices.js';
import { Dice, drawCast, mulberry32, type DemoPerson } from './cast.js';
import { dayBookings, type DemoBooking } from './scenario-bookings.js';
import { trafficActions, type TrafficCount } from './traffic.js';

/**
 * The demo day of the Ménil-Flin building, scripted from a seed: who comes in when, where they
 * go, and what the devices see. Pure: seed + the building's devices → the cast and a list of
 * timed actions sorted by time. Times are seconds since local midnight of the simulated day.
 */

export type { DemoPerson } from './cast.js';
export type { BookingStory, DemoBooking } from './scenario-bookings.js';
export type { TrafficCount } from './traffic.js';

export type DemoAction =
  /** A badge at a reader: `enter` a zone, or `exit` the building at the main entrance's inside reader. */
  | { t: number; kind: 'badge'; person: string; reader: string; purpose: 'enter' | 'exit' }
  /** The exit button of a door (egress always opens); `forgotten`: leaving the building without badging out. */
  | { t: number; kind: 'egress'; person: string; reader: string; forgotten?: true }
  /** A desk sensor sees someone sit down or get up; `checkin`: they also say "my desk today" in the app. */
  | { t: number; kind: 'desk'; sensor: string; deskId: string; occupied: boolean; person?: string; checkin?: true }
  | { t: number; kind: 'battery'; sensor: string; percent: number }
  /** A device's network link goes down or comes back (the device keeps running). */
  | { t: number; kind: 'link'; device: string; up: boolean }
  /** Bytes counted on a meter's ports since its last report, then a report. */
  | { t: number; kind: 'traffic'; meter: string; counters: TrafficCount[] }
  | { t: number; kind: 'note'; text: string };

export interface DemoSession { name: string; zoneId: string; start: number; end: number; trainees: string[] }

export interface DemoDay {
  seed: number;
  /** The simulated day runs from start to end (seconds since local midnight). */
  start: number;
  end: number;
  people: DemoPerson[];
  sessions: DemoSession[];
  bookings: DemoBooking[];
  /** Battery of each desk sensor at boot, percent. */
  batteries: Record<string, number>;
  /** Ports of each meter: the building's, and the MACs of the laptops it sees. */
  meterPorts: Record<string, string[]>;
  actions: DemoAction[];
}

const M = 60; // seconds in a minute
export const hm = (h: number, m = 0): number => h * 3600 + m * M;
/** "08:05" from seconds since midnight. */
export const clockText = (t: number): string =>
  `${String(Math.floor(t / 3600) % 24).padStart(2, '0')}:${String(Math.floor((t % 3600) / M)).padStart(2, '0')}`;

export const DAY = { start: hm(7, 59), end: hm(21, 45), lowBattery: hm(10, 30), linkDown: hm(14, 20), linkUp: hm(15, 5), trafficEveryS: 10 * M };

/** The devices the day uses, found in the building by door and desk ids. */
function places(building: BuildingDevices) {
  const specs = building.devices;
  const reader = (doorId: string, side: 'outside' | 'inside' = 'outside'): string => {
    const r = specs.find((d) => d.kind === 'reader' && d.doorId === doorId && d.side === side);
    if (r === undefined) throw new Error(`the demo needs a reader on the ${side} of door "${doorId}"`);
    return r.deviceId;
  };
  const desks = (prefix: string): Array<Extract<SimDeviceSpec, { kind: 'desk' }>> => {
    const found = specs.filter((d): d is Extract<SimDeviceSpec, { kind: 'desk' }> => d.kind === 'desk' && d.deskId.startsWith(prefix));
    if (found.length === 0) throw new Error(`the demo needs desks named ${prefix}*`);
    return found;
  };
  return {
    entrance: reader('main-entrance'), exit: reader('main-entrance', 'inside'), coworking: reader('coworking'), lab: reader('lab'),
    training: reader('training'), museum: reader('museum'), event: reader('event-hall'), office: (zone: string) => reader(zone),
    /** The reader outside a door, by door id (a meeting room's door has the room's id). */
    doorReader: (doorId: string) => reader(doorId),
    /** A room's presence sensor: the one "desk" placed in its zone. */
    presence: (zoneId: string): Desk => {
      const d = specs.find((x): x is Extract<SimDeviceSpec, { kind: 'desk' }> => x.kind === 'desk' && x.zoneId === zoneId);
      if (d === undefined) throw new Error(`the demo needs a presence sensor in room "${zoneId}"`);
      return d;
    },
    hot: desks('cw-hot-'), fixed: desks('cw-fixed-'), benches: desks('lab-bench-'), officeDesks: (zone: string) => desks(`${zone}-desk-`),
    meters: specs.filter((d): d is Extract<SimDeviceSpec, { kind: 'meter' }> => d.kind === 'meter'),
  };
}

type Desk = { deviceId: string; deskId: string };

/** Collects the actions and when each person is inside the building (for the meters). */
class Timeline {
  readonly actions: DemoAction[] = [];
  readonly inside = new Map<string, Array<[number, number]>>();
  constructor(private readonly p: ReturnType<typeof places>) {}

  add(a: DemoAction): number {
    this.actions.push(a);
    return a.t;
  }
  enterBuilding(who: DemoPerson, t: number): number {
    const spans = this.inside.get(who.key) ?? [];
    spans.push([t, Number.POSITIVE_INFINITY]);
    this.inside.set(who.key, spans);
    return this.add({ t, kind: 'badge', person: who.key, reader: this.p.entrance, purpose: 'enter' });
  }
  leaveBuilding(who: DemoPerson, t: number, forgotten = false): number {
    const last = this.inside.get(who.key)?.at(-1);
    if (last !== undefined) last[1] = t;
    return forgotten
      ? this.add({ t, kind: 'egress', person: who.key, reader: this.p.exit, forgotten: true })
      : this.add({ t, kind: 'badge', person: who.key, reader: this.p.exit, purpose: 'exit' });
  }
  through(who: DemoPerson, reader: string, t: number): number {
    return this.add({ t, kind: 'badge', person: who.key, reader, purpose: 'enter' });
  }
  egress(who: DemoPerson, reader: string, t: number): number {
    return this.add({ t, kind: 'egress', person: who.key, reader });
  }
  desk(who: DemoPerson, desk: Desk, t: number, occupied: boolean, checkin = false): number {
    return this.add({ t, kind: 'desk', sensor: desk.deviceId, deskId: desk.deskId, occupied, person: who.key, ...(checkin ? { checkin: true as const } : {}) });
  }
  isInside(key: string, t: number): boolean {
    return (this.inside.get(key) ?? []).some(([from, to]) => from <= t && t < to);
  }
}

/** The whole day from a seed: same seed, same day. */
export function generateDay(seed: number, building: BuildingDevices): DemoDay {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`the seed must be an integer, got ${seed}`);
  const dice = new Dice(mulberry32(seed));
  const p = places(building);
  const people = drawCast(dice);
  const day = new Timeline(p);
  const role = (r: DemoPerson['role']) => people.filter((x) => x.role === r);
  const [staff1, staff2] = role('staff') as [DemoPerson, DemoPerson];
  const coworkers = dice.shuffle(role('coworker')); // in arrival order
  const hot = dice.shuffle(p.hot);
  const deskOf = new Map<string, Desk>(coworkers.map((c, i) => [c.key, (i < p.fixed.length ? p.fixed[i] : hot[(i - p.fixed.length) % hot.length]) as Desk]));
  const lastDesk = (c: DemoPerson): Desk => deskOf.get(c.key) as Desk;

  day.add({ t: DAY.start, kind: 'note', text: 'Good morning, Ménil-Flin: the reception opens' });
  day.enterBuilding(staff1, DAY.start + 10);
  day.enterBuilding(staff2, hm(8, 1));

  // Coworkers arrive between 8 and 10, a few at once so the building wakes up in seconds.
  const afternoon = new Map<string, 'maker' | 'meeting' | 'event' | 'forgets'>();
  const pool = dice.shuffle(coworkers.slice(8));
  const makers = pool.slice(0, 5);
  const meetingPeople = pool.slice(5, 17);
  for (const c of makers) afternoon.set(c.key, 'maker');
  for (const c of meetingPeople) afternoon.set(c.key, 'meeting');
  const rest = coworkers.filter((c) => !afternoon.has(c.key));
  for (const c of [...rest.slice(0, 4), ...makers.slice(0, 2), ...meetingPeople.slice(0, 2)]) afternoon.set(c.key, 'event');
  afternoon.set((rest.at(-1) as DemoPerson).key, 'forgets');

  coworkers.forEach((c, i) => {
    const arrive = i < 3 ? hm(8, 0) + dice.int(0, 90) : i < 10 ? hm(8, 3) + dice.int(0, 27 * M) : hm(8, 30) + dice.int(0, 90 * M);
    let t = day.enterBuilding(c, arrive);
    t = day.through(c, p.coworking, t + dice.int(40, 120));
    day.desk(c, lastDesk(c), t + dice.int(30, 120), true, !lastDesk(c).deskId.startsWith('cw-fixed-'));
    // Lunch: out for a walk to the village, or a sandwich at the desk.
    const lunch = hm(12, 0) + dice.int(0, 40 * M);
    t = day.desk(c, lastDesk(c), lunch, false);
    if (dice.chance(0.6)) {
      t = day.egress(c, p.coworking, t + dice.int(30, 90));
      t = day.leaveBuilding(c, t + dice.int(60, 120));
      t = day.enterBuilding(c, lunch + dice.int(40, 65) * M);
      t = day.through(c, p.coworking, t + dice.int(60, 150));
      day.desk(c, lastDesk(c), t + dice.int(60, 150), true);
    } else {
      day.desk(c, lastDesk(c), lunch + dice.int(25, 45) * M, true);
    }
  });

  // Meetings in the three rooms, booked by coworkers: one attended, one nobody comes to, one that
  // runs into the next booking of its room; and a hot desk booked for the day's first slots.
  const bookings = dayBookings({ reader: p.doorReader, presence: p.presence }, meetingPeople, hot[hot.length - 1] as Desk);

  // Makers spend the afternoon at the lab's benches, while the lab's reader has lost its link.
  day.add({ t: DAY.linkDown, kind: 'link', device: p.lab, up: false });
  day.add({ t: DAY.linkUp, kind: 'link', device: p.lab, up: true });
  makers.forEach((c, i) => {
    const bench = p.benches[i % p.benches.length] as Desk;
    const at = DAY.linkDown + 5 * M + i * 6 * M + dice.int(0, 4 * M);
    day.desk(c, lastDesk(c), at - dice.int(90, 150), false);
    day.egress(c, p.coworking, at - dice.int(30, 80));
    day.through(c, p.lab, at);
    day.desk(c, bench, at + dice.int(60, 120), true);
    const done = hm(16, 30) + dice.int(0, 20 * M);
    day.desk(c, bench, done, false);
    day.egress(c, p.lab, done + dice.int(20, 60));
    const back = day.through(c, p.coworking, done + dice.int(90, 180));
    day.desk(c, lastDesk(c), back + dice.int(60, 120), true);
  });

  // Evening: most go home; some stay for the event in the hall; one forgets to badge out.
  for (const c of coworkers) {
    const plan = afternoon.get(c.key);
    if (plan === 'event') {
      let t = day.desk(c, lastDesk(c), hm(18, 20) + dice.int(0, 15 * M), false);
      t = day.egress(c, p.coworking, t + dice.int(30, 90));
      t = day.through(c, p.event, t + dice.int(60, 180));
      t = day.egress(c, p.event, hm(21, 0) + dice.int(0, 35 * M));
      day.leaveBuilding(c, t + dice.int(60, 120));
      continue;
    }
    let t = day.desk(c, lastDesk(c), hm(17, 0) + dice.int(0, 150 * M), false);
    t = day.egress(c, p.coworking, t + dice.int(30, 90));
    day.leaveBuilding(c, t + dice.int(60, 120), plan === 'forgets');
  }

  // Residents work in their company's office.
  const officeSeats = new Map<string, number>();
  role('resident').forEach((r, i) => {
    const office = r.office as string;
    const seat = officeSeats.get(office) ?? 0;
    officeSeats.set(office, seat + 1);
    const desks = p.officeDesks(office);
    const desk = desks[seat % desks.length] as Desk;
    const reader = p.office(office);
    let t = day.enterBuilding(r, i === 0 ? hm(8, 3) : hm(8, 10) + dice.int(0, 80 * M));
    t = day.through(r, reader, t + dice.int(60, 120));
    day.desk(r, desk, t + dice.int(60, 120), true);
    const lunch = hm(12, 15) + dice.int(0, 30 * M);
    t = day.desk(r, desk, lunch, false);
    t = day.egress(r, reader, t + dice.int(30, 60));
    t = day.leaveBuilding(r, t + dice.int(60, 120));
    t = day.enterBuilding(r, lunch + dice.int(40, 70) * M);
    t = day.through(r, reader, t + dice.int(60, 120));
    day.desk(r, desk, t + dice.int(60, 120), true);
    t = day.desk(r, desk, hm(17, 30) + dice.int(0, 90 * M), false);
    t = day.egress(r, reader, t + dice.int(30, 60));
    day.leaveBuilding(r, t + dice.int(60, 120));
  });

  // Job-seekers' training: two sessions today, on their timetable, through the training wing's reader.
  const trainees = role('trainee');
  const sessions: DemoSession[] = [
    { name: 'Initiation au numérique', zoneId: 'training-meurthe', start: hm(9, 0), end: hm(12, 30), trainees: trainees.slice(0, 6).map((x) => x.key) },
    { name: 'Prototypage et impression 3D', zoneId: 'training-mortagne', start: hm(13, 30), end: hm(17, 0), trainees: trainees.slice(6).map((x) => x.key) },
  ];
  for (const s of sessions) {
    const room = s.zoneId === 'training-meurthe' ? 'Meurthe' : 'Mortagne';
    day.add({ t: s.start, kind: 'note', text: `Training "${s.name}" begins in room ${room} (${s.trainees.length} trainees)` });
    day.add({ t: s.end, kind: 'note', text: `Training "${s.name}" ends` });
    for (const key of s.trainees) {
      const tr = people.find((x) => x.key === key) as DemoPerson;
      let t = day.enterBuilding(tr, s.start - dice.int(10, 35) * M);
      day.through(tr, p.training, t + dice.int(60, 150));
      t = day.egress(tr, p.training, s.end + dice.int(0, 10 * M));
      day.leaveBuilding(tr, t + dice.int(60, 120));
    }
  }

  // Museum visitors in the afternoon; a curious one tries the lab's door on the way out.
  day.add({ t: hm(14, 0), kind: 'note', text: 'The Vélo & Moto museum opens to the public' });
  const visitors = role('museum visitor');
  const curious = dice.pick(visitors);
  for (const v of visitors) {
    let t = day.enterBuilding(v, v === curious ? hm(15, 20) + dice.int(0, 20 * M) : hm(14, 0) + dice.int(0, 150 * M));
    t = day.through(v, p.museum, t + dice.int(90, 300));
    t = day.egress(v, p.museum, t + dice.int(40, 90) * M);
    if (v === curious) t = day.through(v, p.lab, t + dice.int(60, 120));
    day.leaveBuilding(v, t + dice.int(60, 180));
  }

  // The evening event in the hall: many entries in half an hour.
  day.add({ t: hm(18, 30), kind: 'note', text: 'Evening event in the event hall: "Soirée des entrepreneurs du territoire"' });
  day.through(staff2, p.event, hm(18, 10));
  for (const g of role('event guest')) {
    let t = day.enterBuilding(g, hm(18, 20) + dice.int(0, 40 * M));
    day.through(g, p.event, t + dice.int(60, 180));
    t = day.egress(g, p.event, hm(20, 45) + dice.int(0, 45 * M));
    day.leaveBuilding(g, t + dice.int(60, 150));
  }
  day.leaveBuilding(staff1, hm(18, 0) + dice.int(0, 20 * M));
  day.egress(staff2, p.event, hm(21, 38));
  day.leaveBuilding(staff2, hm(21, 40));

  // A desk sensor's battery runs low mid-morning.
  const weak = (hot[0] ?? p.hot[0]) as Desk;
  day.add({ t: DAY.lowBattery, kind: 'battery', sensor: weak.deviceId, percent: dice.int(8, 15) });
  const batteries: Record<string, number> = {};
  for (const d of building.devices) if (d.kind === 'desk') batteries[d.deviceId] = dice.int(55, 100);

  const meterPorts = trafficActions({ people, meters: p.meters, dice, from: hm(8, 0), to: DAY.end, everyS: DAY.trafficEveryS, isInside: (key, t) => day.isInside(key, t), add: (a) => day.add(a) });
  return { seed, start: DAY.start, end: DAY.end, people, sessions, bookings, batteries, meterPorts, actions: [...day.actions].sort((a, b) => a.t - b.t) };
}
