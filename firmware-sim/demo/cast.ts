/**
 * The people of the demo day, drawn from a seed: names, badge UIDs, laptops' MAC addresses,
 * companies and the roles the scenario gives them. Pure: the same random source gives the same cast.
 */

/** The person kinds of the controller's API (visitors are created with their pass). */
export type PersonKind = 'member' | 'resident' | 'trainee' | 'staff' | 'visitor';
export type DemoRole = 'coworker' | 'resident' | 'trainee' | 'staff' | 'museum visitor' | 'event guest';

export interface DemoPerson {
  /** Stable key within a day: cw-01, res-01, tr-01, staff-1, vis-01, guest-01. */
  key: string;
  name: string;
  kind: PersonKind;
  role: DemoRole;
  /** Badge UID, upper-case hex as the API wants it. */
  uid: string;
  /** A laptop registered to them (aa:bb:cc:dd:ee:ff), counted per MAC on their floor's meter. */
  mac?: string;
  /** Residents: their company and the office it rents. */
  company?: string;
  office?: string;
  /** Visitors: the staff member who hosts them, and the zones of their pass. */
  host?: string;
  zones?: string[];
}

/** A source of numbers in [0, 1): mulberry32 below, or any other for a test. */
export type Random = () => number;

/** mulberry32: a 32-bit state PRNG, small, fast and good enough to script a day. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The few draws a scenario needs, over one random source. */
export class Dice {
  constructor(readonly random: Random) {}
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.random() * items.length)] as T;
  }
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += this.int(0, 255).toString(16).padStart(2, '0');
    return s;
  }
}

const FIRST = [
  'Léa', 'Hugo', 'Camille', 'Lucas', 'Chloé', 'Louis', 'Manon', 'Gabriel', 'Inès', 'Arthur', 'Jade', 'Jules', 'Zoé', 'Nathan',
  'Emma', 'Théo', 'Louise', 'Raphaël', 'Alice', 'Tom', 'Sarah', 'Paul', 'Clara', 'Maxime', 'Juliette', 'Antoine', 'Margaux',
  'Victor', 'Anaïs', 'Bastien', 'Élise', 'Quentin', 'Mathilde', 'Romain', 'Pauline', 'Julien', 'Océane', 'Nicolas', 'Lucie',
  'Thomas', 'Agathe', 'Benoît', 'Solène', 'Damien', 'Noémie', 'Florian', 'Amandine', 'Kevin', 'Céline', 'Yann',
];
const LAST = [
  'Muller', 'Schmitt', 'Klein', 'Weber', 'Marchal', 'Thiriet', 'Colin', 'Claude', 'Mathieu', 'Henry', 'Didier', 'Thomas',
  'Georges', 'François', 'Jacquot', 'Perrin', 'Poirot', 'Grandjean', 'Gérard', 'Vautrin', 'Mangin', 'Humbert', 'Lhuillier',
  'Masson', 'Parmentier', 'Renaud', 'Simonin', 'Antoine', 'Voinson', 'Thouvenin', 'Barbier', 'Hocquard', 'Petitjean',
  'Durand', 'Lambert', 'Noël', 'Bernard', 'Collignon', 'Pierson', 'Rouyer', 'Adam', 'Laurent', 'Vuillaume', 'Fleurentin',
  'Demange', 'Cuny', 'Remy', 'Houillon', 'Valentin', 'Bastien', 'Marchetti', 'Aubry', 'Guérin', 'Toussaint', 'Jeandel',
  'Michel', 'Étienne', 'Chrétien', 'Gaillard', 'Keller',
];
/** Two companies renting private offices; the scenario seats their people there. */
export const COMPANIES = [
  { name: 'Vezouze Numérique', office: 'office-3' },
  { name: 'Atelier des Deux Rivières', office: 'office-4' },
] as const;

/** How many of each: the brief of the demo day. */
export const CAST_SIZE = { coworkers: 30, residents: 6, trainees: 12, staff: 2, museumVisitors: 5, eventGuests: 15, laptops: 20 };

/** Draws the whole cast: unique names, unique badge UIDs, unique MACs. */
export function drawCast(dice: Dice): DemoPerson[] {
  const names = new Set<string>();
  const uids = new Set<string>();
  // Family names in a shuffled round, so that no name turns up much more often than the others.
  let family: string[] = [];
  const name = (): string => {
    for (;;) {
      if (family.length === 0) family = dice.shuffle(LAST);
      const n = `${dice.pick(FIRST)} ${family.pop() as string}`;
      if (!names.has(n)) {
        names.add(n);
        return n;
      }
    }
  };
  // Member badges are 7-byte NXP UIDs (04…); visitors' day badges 4-byte ones.
  const uid = (bytes: 4 | 7): string => {
    for (;;) {
      const u = (bytes === 7 ? `04${dice.hex(6)}` : `08${dice.hex(3)}`).toUpperCase();
      if (!uids.has(u)) {
        uids.add(u);
        return u;
      }
    }
  };
  const two = (i: number): string => String(i + 1).padStart(2, '0');
  const people: DemoPerson[] = [];
  for (let i = 0; i < CAST_SIZE.staff; i++) people.push({ key: `staff-${i + 1}`, name: name(), kind: 'staff', role: 'staff', uid: uid(7) });
  for (let i = 0; i < CAST_SIZE.coworkers; i++) people.push({ key: `cw-${two(i)}`, name: name(), kind: 'member', role: 'coworker', uid: uid(7) });
  for (let i = 0; i < CAST_SIZE.residents; i++) {
    const company = COMPANIES[i % COMPANIES.length] as (typeof COMPANIES)[number];
    people.push({ key: `res-${two(i)}`, name: name(), kind: 'resident', role: 'resident', uid: uid(7), company: company.name, office: company.office });
  }
  for (let i = 0; i < CAST_SIZE.trainees; i++) people.push({ key: `tr-${two(i)}`, name: name(), kind: 'trainee', role: 'trainee', uid: uid(7) });
  for (let i = 0; i < CAST_SIZE.museumVisitors; i++) {
    people.push({ key: `vis-${two(i)}`, name: name(), kind: 'visitor', role: 'museum visitor', uid: uid(4), host: 'staff-1', zones: ['hall', 'museum'] });
  }
  for (let i = 0; i < CAST_SIZE.eventGuests; i++) {
    people.push({ key: `guest-${two(i)}`, name: name(), kind: 'visitor', role: 'event guest', uid: uid(4), host: 'staff-2', zones: ['hall', 'event-hall'] });
  }
  // Laptops: some coworkers register theirs, so the meters can put bytes on their name.
  const macs = new Set<string>();
  for (const p of dice.shuffle(people.filter((p) => p.role === 'coworker')).slice(0, CAST_SIZE.laptops)) {
    let mac: string;
    do mac = `02:${dice.hex(5).match(/../g)?.join(':') ?? ''}`; while (macs.has(mac)); // 02: a locally administered address
    macs.add(mac);
    p.mac = mac;
  }
  return people;
}
