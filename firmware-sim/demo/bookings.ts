import type { DemoAction, DemoBooking, DemoDay, DemoPerson } from './scenario.js';

/**
 * The day's bookings, played on the controller's clock. The controller keeps real time while the
 * day runs `speed` times faster, so a booking cannot follow the accelerated clock: the demo books
 * real slots from the one under way when the day starts, through the API as a manager books for
 * members, and times what people do from each booking's real start and end. Its building file
 * scales the rules down (5-minute slots, 1-minute grace) so that the controller's own jobs release
 * the no-show and raise the overrun notice within minutes. What the controller decides is read
 * back from the API and printed.
 */

export const demoBookingDefaults = {
  minLeadMs: 60_000, // the slot under way is booked when at least 1 minute of it is left, else the next one
  arriveAfterMs: 5_000, // people come in 5 s after the start (or after booking, for a slot under way)
  nextArriveAfterMs: 10_000, // the next party, 10 s after its start
  leaveBeforeMs: 20_000, // and leave 20 s before the end
  overrunToleranceMs: 5 * 60_000, // the controller's overrun check allows 5 minutes of leaving late (controller/bookings/overrun.ts)
  overrunCapMs: 8 * 60_000, // the overrunning party leaves 8 minutes after the end at the latest (notice or not)
  jobEveryMs: 30_000, // the controller's jobs look every 30 s
  pollMs: 2_000, // how often the demo reads the bookings and the notices back
};

/** What the demo calls of the API (DemoApi). */
export interface BookingApi {
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

interface ApiResource { id: string; name: string; kind: 'room' | 'desk'; zoneId: string; deskId: string | null; rules: { slotMinutes: number; graceMinutes: number } }
interface ApiBooking { id: number; status: string; startsAt: number; endsAt: number; checkedInAt: number | null; releasedAt: number | null }
interface ApiNotice { id: number; bookingId: number; detail: string }

export interface Window { start: number; end: number }

/**
 * The real slots of the day's bookings: slot 0 is the grid slot under way at `now` (the next one if
 * less than `minLeadMs` of it is left). The grid is counted from the epoch, which is the building's
 * local grid whenever its offset from UTC is a whole number of slots (Europe/Paris: whole hours).
 */
export function planBookings(bookings: readonly DemoBooking[], now: number, slotMinutes: number, minLeadMs = demoBookingDefaults.minLeadMs): Map<string, Window> {
  const step = slotMinutes * 60_000;
  const floor = now - (now % step);
  const base = floor + step - now >= minLeadMs ? floor : floor + step;
  return new Map(bookings.map((b) => [b.key, { start: base + b.slot * step, end: base + (b.slot + b.slots) * step }]));
}

export interface BookingSummary {
  made: number;
  checkedIn: string[];
  released: string[];
  overruns: string[];
  /** Verdicts still awaited when the summary was taken. */
  pending: string[];
}

export interface DemoBookingsOptions {
  api: BookingApi;
  day: DemoDay;
  /** The controller's person id of each person of the day, by key. */
  personIds: ReadonlyMap<string, number>;
  /** Has the player do an action now (badge, exit button, sensor). */
  perform(action: DemoAction): void;
  /** A line for the terminal (the caller prefixes the time). */
  line(text: string): void;
  warn(text: string): void;
  timeZone: string;
  clock?: () => number;
}

interface Tracked {
  b: DemoBooking;
  id: number;
  name: string;
  graceMinutes: number;
  start: number;
  end: number;
  checkedInAt: number | null;
  releasedAt: number | null;
  notice: string | null;
  left: boolean;
}

export class DemoBookings {
  readonly #o: DemoBookingsOptions;
  readonly #clock: () => number;
  readonly #people: Map<string, DemoPerson>;
  readonly #tracked: Tracked[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inRoom = new Map<string, number>(); // people in each room (sensor id), as the sensor should see it
  readonly #waiters = new Set<() => void>();
  #poll: NodeJS.Timeout | undefined;
  #polling = false;
  #stopped = false;

  constructor(options: DemoBookingsOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#people = new Map(options.day.people.map((p) => [p.key, p]));
  }

  /** The bookings made, with their real slots. */
  get made(): ReadonlyArray<{ key: string; id: number; start: number; end: number }> {
    return this.#tracked.map((t) => ({ key: t.b.key, id: t.id, start: t.start, end: t.end }));
  }

  /** Books every booking of the day through the API, as a manager would for the members. */
  async make(): Promise<void> {
    const { resources } = await this.#o.api.call<{ resources: ApiResource[] }>('GET', '/api/bookings/resources');
    const resourceOf = (b: DemoBooking): ApiResource | undefined => resources.find((r) =>
      ('zoneId' in b.place ? r.kind === 'room' && r.zoneId === b.place.zoneId : r.deskId === b.place.deskId));
    const slotMinutes = Math.max(...this.#o.day.bookings.map((b) => resourceOf(b)?.rules.slotMinutes ?? 0));
    if (!(slotMinutes > 0)) throw new Error('the building file has no bookable room or desk for the day\'s bookings');
    const windows = planBookings(this.#o.day.bookings, this.#clock(), slotMinutes);
    for (const b of this.#o.day.bookings) {
      const resource = resourceOf(b);
      const w = windows.get(b.key) as Window;
      if (resource === undefined) {
        this.#o.warn(`booking ${b.key}: nothing bookable at ${JSON.stringify(b.place)}`);
        continue;
      }
      const id = (key: string): number => {
        const found = this.#o.personIds.get(key);
        if (found === undefined) throw new Error(`booking ${b.key}: ${key} was not seeded`);
        return found;
      };
      try {
        const { booking } = await this.#o.api.call<{ booking: ApiBooking }>('POST', '/api/bookings', {
          resourceId: resource.id, startsAt: w.start, endsAt: w.end, personId: id(b.holder),
          ...(b.guests.length === 0 ? {} : { guestIds: b.guests.map(id) }), ...(b.title === null ? {} : { title: b.title }),
        });
        this.#tracked.push({ b, id: booking.id, name: resource.name, graceMinutes: resource.rules.graceMinutes, start: w.start, end: w.end, checkedInAt: null, releasedAt: null, notice: null, left: false });
        const guests = b.guests.length === 0 ? '' : ` with ${b.guests.length} guest${b.guests.length > 1 ? 's' : ''}`;
        this.#o.line(`booking: ${this.#who(b.holder)} has ${resource.name} ${this.#slot(w)} (controller clock)${guests}${b.title === null ? '' : `: "${b.title}"`}`);
      } catch (err) {
        this.#o.warn(`booking ${b.key}: ${(err as Error).message}`);
      }
    }
    // The booked rooms and desk are empty to begin with, and their sensors say so.
    for (const t of this.#tracked) this.#sensor(t.b, false);
  }

  /** Plays what people do around each booking, and reads the controller's verdicts back. */
  start(): void {
    const now = this.#clock();
    const d = demoBookingDefaults;
    for (const t of this.#tracked) {
      const { story } = t.b;
      if (story === 'no-show') continue;
      const arrive = Math.max(t.start, now) + (story === 'next' ? d.nextArriveAfterMs : d.arriveAfterMs);
      this.#at(arrive, () => this.#arrive(t));
      if (story === 'overrun') this.#at(t.end + d.overrunCapMs, () => this.#leave(t));
      else this.#at(Math.max(arrive + 1_000, t.end - d.leaveBeforeMs), () => this.#leave(t));
    }
    this.#poll = setInterval(() => void this.#read(), d.pollMs);
  }

  /** Bookings whose verdict (a release, a notice) is still awaited, and when it is due at the latest. */
  pending(): Array<{ what: string; dueAt: number }> {
    const d = demoBookingDefaults;
    return this.#tracked.flatMap((t) => {
      if (t.b.story === 'no-show' && t.releasedAt === null) {
        return [{ what: `the release of ${t.name} ${this.#slot(t)}`, dueAt: t.start + t.graceMinutes * 60_000 + d.jobEveryMs }];
      }
      if (t.b.story === 'overrun' && t.notice === null) {
        return [{ what: `the overrun notice of ${t.name} ${this.#slot(t)}`, dueAt: t.end + d.overrunToleranceMs + d.jobEveryMs }];
      }
      return [];
    });
  }

  /** Resolves once no verdict is awaited any more, `graceMs` after the last one was due, or at stop(). */
  settled(graceMs = 60_000): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        const left = this.pending();
        if (this.#stopped || left.length === 0 || this.#clock() > Math.max(...left.map((p) => p.dueAt)) + graceMs) {
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  summary(): BookingSummary {
    const label = (t: Tracked): string => `${t.name} ${this.#slot(t)}`;
    return {
      made: this.#tracked.length,
      checkedIn: this.#tracked.filter((t) => t.checkedInAt !== null).map(label),
      released: this.#tracked.filter((t) => t.releasedAt !== null).map(label),
      overruns: this.#tracked.filter((t) => t.notice !== null).map(label),
      pending: this.pending().map((p) => p.what),
    };
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#poll);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const w of [...this.#waiters]) w();
  }

  #at(when: number, fn: () => void): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) fn();
    }, Math.max(0, when - this.#clock()));
    this.#timers.add(timer);
  }

  #arrive(t: Tracked): void {
    const { b } = t;
    if (b.story === 'next' && (this.#inRoom.get(b.sensor) ?? 0) > 0) this.#o.line(`${t.name}: the party of ${this.#who(b.holder)} arrives for their booking, and the room is still occupied`);
    for (const key of b.comers) {
      if (b.reader !== null) this.#o.perform({ t: 0, kind: 'badge', person: key, reader: b.reader, purpose: 'enter' });
      this.#count(b, +1);
    }
  }

  #leave(t: Tracked): void {
    if (t.left) return;
    t.left = true;
    const { b } = t;
    for (const key of b.comers) {
      if (b.reader !== null) this.#o.perform({ t: 0, kind: 'egress', person: key, reader: b.reader });
      this.#count(b, -1);
    }
    if (b.story === 'overrun') this.#o.line(`${t.name}: the party of ${this.#who(b.holder)} leaves at last, ${Math.round((this.#clock() - t.end) / 60_000)} min after the end of their booking`);
  }

  /** One more (or one less) person in a room or at a desk; its sensor changes with the first in and the last out. */
  #count(b: DemoBooking, delta: 1 | -1): void {
    const before = this.#inRoom.get(b.sensor) ?? 0;
    const after = Math.max(0, before + delta);
    this.#inRoom.set(b.sensor, after);
    if ((before === 0) !== (after === 0)) this.#sensor(b, after > 0);
  }

  #sensor(b: DemoBooking, occupied: boolean): void {
    this.#o.perform({ t: 0, kind: 'desk', sensor: b.sensor, deskId: b.sensorDeskId, occupied });
  }

  /** Reads the bookings and the notices back, and tells what the controller decided since the last look. */
  async #read(): Promise<void> {
    if (this.#polling || this.#stopped || this.#tracked.length === 0) return;
    this.#polling = true;
    try {
      const from = Math.min(...this.#tracked.map((t) => t.start)) - 1;
      const to = Math.max(...this.#tracked.map((t) => t.end)) + 1;
      const [{ bookings }, { notices }] = await Promise.all([
        this.#o.api.call<{ bookings: ApiBooking[] }>('GET', `/api/bookings?from=${from}&to=${to}&limit=1000`),
        this.#o.api.call<{ notices: ApiNotice[] }>('GET', '/api/bookings/notices?limit=100'),
      ]);
      for (const t of this.#tracked) {
        const now = bookings.find((x) => x.id === t.id);
        if (now !== undefined) this.#update(t, now, notices.find((n) => n.bookingId === t.id));
      }
    } catch (err) {
      if (!this.#stopped) this.#o.warn(`reading the bookings back: ${(err as Error).message}`);
    } finally {
      this.#polling = false;
      for (const w of [...this.#waiters]) w();
    }
  }

  #update(t: Tracked, b: ApiBooking, notice: ApiNotice | undefined): void {
    if (t.checkedInAt === null && b.checkedInAt !== null) {
      t.checkedInAt = b.checkedInAt;
      this.#o.line(`${t.name}: the controller saw ${this.#who(t.b.holder)}'s party come (${this.#time(b.checkedInAt)}): the booking ${this.#slot(t)} is checked in`);
    }
    if (t.releasedAt === null && b.status === 'released' && b.releasedAt !== null) {
      t.releasedAt = b.releasedAt;
      this.#o.line(`${t.name}: nobody came to ${this.#who(t.b.holder)}'s booking ${this.#slot(t)} within the ${t.graceMinutes}-minute grace: `
        + `the controller released it at ${this.#time(b.releasedAt)}, the rest of the slot is free again`);
    }
    if (t.notice === null && notice !== undefined) {
      t.notice = notice.detail;
      this.#o.line(`${t.name}: overrun notice for the managers: ${notice.detail}`);
      if (t.b.story === 'overrun') this.#at(this.#clock() + 10_000, () => this.#leave(t));
    }
  }

  #who(key: string): string {
    return this.#people.get(key)?.name ?? key;
  }

  #time(ms: number): string {
    return new Intl.DateTimeFormat('en-GB', { timeZone: this.#o.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
  }

  #slot(w: Window): string {
    const hm = (ms: number): string => this.#time(ms).slice(0, 5);
    return `${hm(w.start)}–${hm(w.end)}`;
  }
}
