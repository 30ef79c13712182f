import type { SimDeviceSpec } from '../building-devices.js';
import type { Dice, DemoPerson } from './cast.js';

/** Bytes counted on one port of a meter since its last report. */
export interface TrafficCount { port: string; rx: number; tx: number }

export interface TrafficPlan {
  people: readonly DemoPerson[];
  meters: ReadonlyArray<Extract<SimDeviceSpec, { kind: 'meter' }>>;
  dice: Dice;
  /** The first report, the end of the day and the interval between reports (seconds of the day). */
  from: number;
  to: number;
  everyS: number;
  /** Whether that person is in the building at that time, from the day's timeline. */
  isInside: (key: string, t: number) => boolean;
  add: (action: { t: number; kind: 'traffic'; meter: string; counters: TrafficCount[] }) => void;
}

/**
 * Every `everyS` seconds each meter counts the bytes of whoever is inside, and reports: per laptop
 * (MAC) on the coworking floor's meter, per office port on the second floor's, visitors on the
 * ground floor's, and a share of it all on the uplink. Returns the ports each meter counts.
 */
export function trafficActions(plan: TrafficPlan): Record<string, string[]> {
  const { people, meters, dice } = plan;
  const laptops = people.filter((x) => x.mac !== undefined);
  const ports: Record<string, string[]> = {};
  for (const m of meters) ports[m.deviceId] = m.deviceId === 'net-first' ? [...m.ports, ...laptops.map((x) => x.mac as string)] : [...m.ports];
  const mb = (lo: number, hi: number): number => dice.int(lo * 1_000, hi * 1_000) * 1_000;
  for (let t = plan.from; t < plan.to; t += plan.everyS) {
    const inside = people.filter((x) => plan.isInside(x.key, t));
    let total = 0;
    const count = (meter: string, counters: TrafficCount[]): void => {
      const kept = counters.filter((c) => c.rx + c.tx > 0 && (ports[meter] ?? []).includes(c.port));
      if (!(meter in ports) || kept.length === 0) return;
      for (const c of kept) total += c.rx + c.tx;
      plan.add({ t, kind: 'traffic', meter, counters: kept });
    };
    const flow = (rx: number): TrafficCount => ({ port: '', rx, tx: Math.round(rx * (0.2 + dice.random() * 0.3)) });
    const coworkersIn = inside.filter((x) => x.role === 'coworker');
    count('net-first', [
      { ...flow(mb(1, 4) * (1 + coworkersIn.length)), port: 'total' },
      ...coworkersIn.filter((x) => x.mac !== undefined).map((x) => ({ ...flow(mb(2, 30)), port: x.mac as string })),
    ]);
    count('net-second', ['office-1', 'office-2', 'office-3', 'office-4'].map((zone, i) => {
      const n = inside.filter((x) => x.office === zone).length;
      return { ...flow(n === 0 ? mb(0, 1) : n * mb(3, 25)), port: `ge-0-${i + 1}` };
    }));
    const guests = inside.filter((x) => x.kind === 'visitor' || x.role === 'staff').length;
    count('net-ground', [{ ...flow(mb(1, 2) + guests * mb(1, 4)), port: 'total' }]);
    count('net-uplink', [{ ...flow(Math.round(total * 0.8)), port: 'total' }]);
  }
  return ports;
}
