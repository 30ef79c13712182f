import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuilding } from '../../controller/building/load.js';
import { DEFAULT_BUILDING_FILE, readBuildingDevices } from '../../firmware-sim/building-devices.js';
import { DemoBookings, planBookings } from '../../firmware-sim/demo/bookings.js';
import { demoBookingRules, writeDemoBuilding } from '../../firmware-sim/demo/building-file.js';
import { DemoPlayer } from '../../firmware-sim/demo/play.js';
import { generateDay } from '../../firmware-sim/demo/scenario.js';
import { DemoApi, provisionAll, seedBuilding } from '../../firmware-sim/demo/seed.js';
import { startSkewedController, type SkewedController } from '../browser/booking-fixtures.js';
import { TEST_ADMIN_PASSWORD } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';

const MIN = 60_000;
const building = readBuildingDevices();
const day1 = generateDay(1, building);

describe('demo bookings: the building file, the real slots', () => {
  it('the demo’s building file scales the booking rules down, and the controller accepts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-demo-building-'));
    try {
      const file = writeDemoBuilding(DEFAULT_BUILDING_FILE, dir);
      const loaded = loadBuilding(file); // the controller's own validation
      const rules = Object.values(loaded.booking?.rules ?? {});
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules) {
        expect(r).toMatchObject(demoBookingRules);
        expect(r.openingHours).toEqual([{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }]);
      }
      // Only the rules change: the same building, the same devices.
      const original = JSON.parse(readFileSync(DEFAULT_BUILDING_FILE, 'utf8')) as Record<string, unknown>;
      const copy = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const key of ['site', 'zones', 'doors', 'desks', 'meters']) expect(copy[key]).toEqual(original[key]);
      expect((copy.booking as { resources: unknown }).resources).toEqual((original.booking as { resources: unknown }).resources);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('books from the slot under way, or the next one when less than a minute of it is left', () => {
    const slot = 5 * MIN;
    const t0 = Date.UTC(2026, 5, 10, 12, 0);
    const early = planBookings(day1.bookings, t0 + 2 * MIN, 5);
    const overrun = day1.bookings.find((b) => b.story === 'overrun');
    const next = day1.bookings.find((b) => b.story === 'next');
    expect(early.get(overrun?.key ?? '')).toEqual({ start: t0, end: t0 + slot });
    expect(early.get(next?.key ?? '')?.start).toBe(t0 + slot);
    const late = planBookings(day1.bookings, t0 + 4 * MIN + 30_000, 5);
    expect(late.get(overrun?.key ?? '')).toEqual({ start: t0 + slot, end: t0 + 2 * slot });
    for (const w of late.values()) expect((w.start - t0) % slot).toBe(0);
  });
});

/**
 * The demo's bookings against the whole controller (in this process, so that its clock can be
 * moved): booked through the API as the demo books them, played by the demo's devices, and judged
 * by the controller's own no-show and overrun jobs. Rather than wait the grace and the overrun
 * tolerance out (1 + 5 real minutes), the controller's clock is moved 12 minutes on once the
 * people are in: the jobs' next look (30 s at most) finds the no-show due and the overrun over.
 */
describe('the demo day’s bookings, judged by the controller', () => {
  let dir: string;
  let ctl: SkewedController;
  let player: DemoPlayer;
  let bookings: DemoBookings;
  const lines: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-demo-bk-'));
    ctl = await startSkewedController({ BUILDING_FILE: writeDemoBuilding(DEFAULT_BUILDING_FILE, dir) });
  }, 60_000);
  afterAll(async () => {
    bookings?.stop();
    await player?.stop();
    await ctl?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('books meetings that open their doors, releases the no-show, and raises the overrun notice', async () => {
    const timeZone = 'Europe/Paris';
    const api = await DemoApi.login(ctl.system.httpUrl, 'admin', TEST_ADMIN_PASSWORD);
    const seeded = await seedBuilding(api, day1, { now: Date.now(), timeZone });
    const secrets = await provisionAll(api);
    player = new DemoPlayer({
      day: day1, building, secrets, brokerUrl: ctl.system.mqttUrl, speed: 5_000, print: (l) => lines.push(l), warn: (l) => warnings.push(l),
    });
    await player.start();
    bookings = new DemoBookings({
      api, day: day1, personIds: seeded.personIds, timeZone, perform: (a) => player.perform(a),
      line: (l) => lines.push(l), warn: (l) => warnings.push(l),
    });
    await bookings.make();
    expect(bookings.made).toHaveLength(day1.bookings.length);
    expect(lines.filter((l) => l.includes('booking: '))).toHaveLength(day1.bookings.length);
    bookings.start();
    void player.play();

    // The meetings' people come in: their bookings open the rooms' doors (the demo's groups do not).
    // (Without the door names run.ts gives it, the player names a door by its id.)
    const meeting = day1.bookings.find((b) => b.story === 'meeting');
    const overrun = day1.bookings.find((b) => b.story === 'overrun');
    const name = (key: string | undefined) => day1.people.find((p) => p.key === key)?.name ?? '?';
    // With less than a minute of the slot under way left, the demo books the next one: the people
    // then come up to a minute later, so the wait counts from the booked starts, not from now.
    const firstStart = Math.max(...bookings.made.filter((m) => m.key === meeting?.key || m.key === overrun?.key).map((m) => m.start));
    await eventually(() => lines.some((l) => l.includes(`${name(overrun?.holder)} (coworker) enters room-luneville`))
      && lines.some((l) => l.includes(`${name(meeting?.comers[1])} (coworker) enters room-baccarat`)), 'the meetings begin', Math.max(0, firstStart - Date.now()) + 20_000);
    await eventually(async () => {
      const desks = await api.call<Array<{ deskId: string; status: string }>>('GET', '/api/desks');
      return desks.find((d) => d.deskId === overrun?.sensorDeskId)?.status === 'occupied';
    }, 'Lunéville is occupied', 10_000);
    expect(lines.filter((l) => /is refused at room-/.test(l))).toEqual([]);

    ctl.setOffset(12 * MIN);
    await bookings.settled(0);
    const summary = bookings.summary();
    expect(summary.pending).toEqual([]);
    expect(summary.released).toEqual([expect.stringMatching(/^Vezouze /)]);
    expect(summary.overruns).toEqual([expect.stringMatching(/^Lunéville /)]);
    expect(summary.checkedIn).toEqual(expect.arrayContaining([expect.stringMatching(/^Baccarat /), expect.stringMatching(/^Lunéville /), expect.stringMatching(/^Hot desk /)]));
    expect(lines.some((l) => /^Vezouze: nobody came to .* within the 1-minute grace: the controller released it at/.test(l))).toBe(true);
    expect(lines.some((l) => /^Lunéville: overrun notice for the managers: Lunéville was still occupied \d+ minutes after/.test(l))).toBe(true);

    // As the API tells it.
    const ids = new Map(bookings.made.map((m) => [m.key, m.id]));
    const { booking: released } = await api.call<{ booking: { status: string; releaseEvidence: unknown } }>('GET', `/api/bookings/${ids.get('vezouze')}`);
    // (Its sensorOnline says false here: moved 12 minutes on, the controller has heard no heartbeat for that long.)
    expect(released).toMatchObject({ status: 'released', releaseEvidence: { sensorId: 'occ-vezouze', sensorOccupiedSeen: false, doorPassages: 0, doorGrants: 0 } });
    const { notices } = await api.call<{ notices: Array<{ bookingId: number; kind: string }> }>('GET', '/api/bookings/notices');
    expect(notices).toEqual([expect.objectContaining({ bookingId: ids.get('luneville'), kind: 'overrun' })]);
    expect(warnings).toEqual([]);
  }, 180_000);
});
