import type { SimDeviceSpec } from '../building-devices.js';
import { SimDeskSensor } from '../desk-sensor.js';
import type { SimDevice } from '../device.js';
import type { SimLogger } from '../events.js';
import { createSimDevice } from '../fleet.js';
import { SimNetMeter } from '../net-meter.js';
import { SimReader } from '../reader.js';
import { LinkCut } from './link-cut.js';
import type { DaySummary, PlayerOptions } from './play-types.js';
import { ScenarioClock } from './scenario-clock.js';
import { clockText, type DemoAction, type DemoDay, type DemoPerson } from './scenario.js';

/**
 * Plays a demo day against a broker: one simulated device per device of the building, and the
 * scenario's actions on an accelerated clock. Each person's actions run in order, each door lets
 * one person through at a time (badge, open, close), and whatever the devices decide is printed.
 */

export type { DaySummary, PlayerOptions } from './play-types.js';

const noop = (): void => {};

export class DemoPlayer {
  readonly #o: PlayerOptions;
  readonly #clock: ScenarioClock;
  readonly #devices = new Map<string, SimDevice>();
  readonly #specs = new Map<string, SimDeviceSpec>();
  readonly #links = new Map<string, LinkCut>();
  readonly #people: Map<string, DemoPerson>;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #holdMs: number;
  #stopping = false;
  #outageStart = 0; // offline decisions counted when the current link cut began
  #endPlay: (() => void) | null = null;
  readonly stats: DaySummary = {
    badges: 0, granted: 0, denied: {}, offline: 0, offlineUploaded: 0, exits: 0, forgotten: [], deskChanges: 0, checkins: 0, lowBattery: [], bytes: 0, realS: 0,
  };

  constructor(options: PlayerOptions) {
    this.#o = options;
    this.#clock = new ScenarioClock(options.day.start, options.speed, options.clock);
    this.#people = new Map(options.day.people.map((p) => [p.key, p]));
    // A door stays open about 20 simulated seconds, within what a busy entrance can serve in real time.
    this.#holdMs = Math.min(400, Math.max(60, Math.round(options.speed > 0 ? 20_000 / options.speed : 400)));
  }

  get devices(): ReadonlyMap<string, SimDevice> {
    return this.#devices;
  }

  /** Builds and connects every device; the readers whose link the day cuts go through a LinkCut. */
  async start(): Promise<void> {
    const { day, building, secrets, brokerUrl } = this.#o;
    const logger: SimLogger = { info: noop, warn: (msg) => this.#o.warn(msg) };
    const cut = new Set(day.actions.flatMap((a) => (a.kind === 'link' ? [a.device] : [])));
    for (const spec of building.devices) {
      const secret = secrets.get(spec.deviceId);
      if (secret === undefined) continue;
      let url = brokerUrl;
      if (cut.has(spec.deviceId)) {
        const link = new LinkCut(brokerUrl);
        this.#links.set(spec.deviceId, link);
        url = await link.start();
      }
      const common = {
        brokerUrl: url, site: building.site, logger, deviceId: spec.deviceId, secret,
        ...(cut.has(spec.deviceId) ? { reconnect: { baseMs: 250, maxMs: 2_000 } } : {}),
      };
      const device = spec.kind === 'desk' ? new SimDeskSensor({ ...common, debounceMs: 0, battery: day.batteries[spec.deviceId] ?? 100 })
        : spec.kind === 'meter' ? new SimNetMeter({ ...common, ports: day.meterPorts[spec.deviceId] ?? spec.ports, reportIntervalS: 0 })
          : createSimDevice(spec, secret, common);
      this.#devices.set(spec.deviceId, device);
      this.#specs.set(spec.deviceId, spec);
    }
    const results = await Promise.allSettled([...this.#devices.values()].map((d) => d.start()));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${[...this.#devices.keys()][i]}: ${(r.reason as Error).message}`] : []));
    if (failed.length > 0) throw new Error(`${failed.length} device(s) could not connect:\n  ${failed.slice(0, 5).join('\n  ')}`);
  }

  /** Plays the day; resolves once its last action is done (or at once after stop()). */
  play(): Promise<DaySummary> {
    const started = Date.now();
    return new Promise((resolve) => {
      this.#endPlay = () => {
        this.#endPlay = null;
        this.stats.realS = Math.round((Date.now() - started) / 1000);
        resolve(this.stats);
      };
      this.#clock.start();
      for (const action of this.#o.day.actions) this.#clock.at(action.t, () => this.#dispatch(action));
      this.#clock.at(this.#o.day.end, () => {
        void Promise.allSettled([...this.#inflight]).then(() => this.#endPlay?.());
      });
    });
  }

  /** Simulated time of day now, as HH:MM; once the day is over, what afterDayTime says. */
  get time(): string {
    const now = this.#clock.now();
    if (now <= this.#o.day.end) return clockText(now);
    return this.#o.afterDayTime?.() ?? clockText(this.#o.day.end);
  }

  /** Stops the schedule, lets what is under way settle (2 s at most), then every device and link. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#clock.stop();
    this.#endPlay?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#inflight]), new Promise((r) => { timer = setTimeout(r, 2_000); })]);
    clearTimeout(timer);
    await Promise.allSettled([...this.#devices.values()].map((d) => d.stop()));
    await Promise.allSettled([...this.#links.values()].map((l) => l.stop()));
  }

  /** Does `a` now, as if the schedule had reached it: the bookings' episodes, timed on the real clock, go through here. */
  perform(a: DemoAction): void {
    this.#dispatch(a);
  }

  #dispatch(a: DemoAction): void {
    if (this.#stopping) return;
    try {
      this.#act(a);
    } catch (err) {
      this.#o.warn(`${a.kind} at ${clockText(a.t)}: ${(err as Error).message}`);
    }
  }

  #act(a: DemoAction): void {
    switch (a.kind) {
      case 'badge': return this.#chain(a.person, () => this.#badge(a));
      case 'egress': return this.#chain(a.person, () => this.#egress(a));
      case 'desk': return this.#chain(a.person ?? a.sensor, () => this.#desk(a));
      case 'battery': {
        const sensor = this.#device(a.sensor, SimDeskSensor);
        sensor.setBattery(a.percent);
        this.#track(sensor.heartbeat()); // tells the controller now, not at the next heartbeat
        if (a.percent < 20) this.stats.lowBattery.push(`${a.sensor} (${a.percent} %)`);
        return this.#line(`desk sensor ${a.sensor}: battery at ${a.percent} %${a.percent < 20 ? ', time to change it' : ''}`);
      }
      case 'link': return void this.#track(this.#link(a.device, a.up));
      case 'traffic': {
        const meter = this.#device(a.meter, SimNetMeter);
        for (const c of a.counters) {
          meter.addTraffic(c.port, c.rx, c.tx);
          this.stats.bytes += c.rx + c.tx;
        }
        return void this.#track(meter.report());
      }
      case 'note': return this.#line(`-- ${a.text}`);
    }
  }

  /** One person does one thing at a time: an action waits for their previous one. */
  #chain(key: string, task: () => Promise<void>): void {
    const run = (): Promise<void> => (this.#stopping ? Promise.resolve() : task()).catch((err: Error) => {
      if (!this.#stopping) this.#o.warn(`${key}: ${err.message}`);
    });
    const next = (this.#chains.get(key) ?? Promise.resolve()).then(run);
    this.#chains.set(key, next);
    this.#track(next);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    const settled = p.catch(noop);
    this.#inflight.add(settled);
    void settled.then(() => this.#inflight.delete(settled));
    return p;
  }

  async #badge(a: Extract<DemoAction, { kind: 'badge' }>): Promise<void> {
    const who = this.#person(a.person);
    const reader = this.#device(a.reader, SimReader);
    await this.#door(a.reader, async () => {
      const d = await reader.presentBadge(who.uid);
      this.stats.badges++;
      if (d.source === 'offline') this.stats.offline++;
      const alone = d.source === 'offline' ? `, decided alone by ${a.reader}` : '';
      if (!d.grant) {
        this.stats.denied[d.reason] = (this.stats.denied[d.reason] ?? 0) + 1;
        return this.#line(`${this.#who(who)} is refused at ${this.#place(a.reader)}: ${d.reason}${alone}`);
      }
      this.stats.granted++;
      if (a.purpose === 'exit') this.stats.exits++;
      this.#line(a.purpose === 'exit' ? `${this.#who(who)} badges out and leaves the building`
        : `${this.#who(who)} ${this.#isEntrance(a.reader) ? 'enters the building' : `enters ${this.#place(a.reader)}`}${alone}`);
      await this.#openAndClose(reader);
    });
  }

  async #egress(a: Extract<DemoAction, { kind: 'egress' }>): Promise<void> {
    const who = this.#person(a.person);
    const reader = this.#device(a.reader, SimReader);
    await this.#door(a.reader, async () => {
      void reader.pressExit().catch(noop); // egress always opens; the rex uplink waits in the buffer if the link is down
      if (a.forgotten === true) {
        this.stats.forgotten.push(who.name);
        this.#line(`${this.#who(who)} leaves by the exit button without badging out: still counted as present`);
      }
      await this.#openAndClose(reader);
    });
  }

  async #desk(a: Extract<DemoAction, { kind: 'desk' }>): Promise<void> {
    const sensor = this.#device(a.sensor, SimDeskSensor);
    this.stats.deskChanges++;
    this.#track(sensor.setOccupied(a.occupied));
    if (a.occupied && a.checkin === true && a.person !== undefined && this.#o.checkin !== undefined) {
      this.stats.checkins++;
      this.#track(this.#o.checkin(a.deskId, a.person).catch((err: Error) => this.#o.warn(`check-in at ${a.deskId}: ${err.message}`)));
    }
  }

  async #link(deviceId: string, up: boolean): Promise<void> {
    const link = this.#links.get(deviceId);
    const reader = this.#device(deviceId, SimReader);
    if (link === undefined) return;
    if (!up) {
      link.cut();
      this.#outageStart = this.stats.offline;
      return this.#line(`${deviceId} loses its network link: the reader decides alone from its allow-list`);
    }
    link.restore();
    const taken = this.stats.offline - this.#outageStart;
    this.#line(`${deviceId}'s link is back: reconnecting to deliver the ${taken} decision(s) it took alone`);
    const deadline = Date.now() + 20_000;
    while (!this.#stopping && Date.now() < deadline && !(reader.online && reader.buffered === 0)) await this.#clock.sleep(100);
    if (this.#stopping) return;
    if (reader.online && reader.buffered === 0) {
      this.stats.offlineUploaded += taken;
      this.#line(`${deviceId} is online again: its ${taken} offline decision(s) reached the controller`);
    } else this.#o.warn(`${deviceId} did not reconnect within 20 s (${reader.buffered} uplink(s) still buffered)`);
  }

  /** One passage at a time through a door (both readers of the main entrance share it). */
  #door(readerId: string, task: () => Promise<void>): Promise<void> {
    const spec = this.#specs.get(readerId);
    const key = `door:${spec?.kind === 'reader' ? spec.doorId : readerId}`;
    const next = (this.#chains.get(key) ?? Promise.resolve()).then(() => (this.#stopping ? undefined : task()));
    this.#chains.set(key, next.catch(noop));
    return next;
  }

  async #openAndClose(reader: SimReader): Promise<void> {
    void reader.openDoor().catch(noop); // acknowledged later if the link is down: the door does not wait for it
    await this.#clock.sleep(this.#holdMs);
    if (!this.#stopping) void reader.closeDoor().catch(noop);
  }

  #device<T extends SimDevice>(id: string, kind: abstract new (...args: never[]) => T): T {
    const device = this.#devices.get(id);
    if (!(device instanceof kind)) throw new Error(`device ${id} is not running as a ${kind.name}`);
    return device;
  }

  #person(key: string): DemoPerson {
    const p = this.#people.get(key);
    if (p === undefined) throw new Error(`no person ${key} in the day's cast`);
    return p;
  }

  #who(p: DemoPerson): string {
    return `${p.name} (${p.role})`;
  }

  #isEntrance(readerId: string): boolean {
    const spec = this.#specs.get(readerId);
    return spec?.kind === 'reader' && spec.doorId === 'main-entrance';
  }

  #place(readerId: string): string {
    const spec = this.#specs.get(readerId);
    const doorId = spec?.kind === 'reader' ? spec.doorId : readerId;
    return this.#o.doorNames?.get(doorId) ?? doorId;
  }

  #line(text: string): void {
    this.#o.print(`${this.time}  ${text}`);
  }
}
