import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILDING_FILE, parseBuildingDevices, readBuildingDevices } from '../../firmware-sim/building-devices.js';
import { ManualClock, TimerSet } from '../../firmware-sim/clock.js';
import { createSimDevice } from '../../firmware-sim/fleet.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { NonceCache } from '../../firmware-sim/nonce-cache.js';
import { OfflineBuffer } from '../../firmware-sim/offline-buffer.js';

describe('firmware-sim parts', () => {
  it('manual clock: fires timers in due order at their due time, including ones set on the way', () => {
    const clock = new ManualClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['c', clock.now()]), 50);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push(['x', clock.now()]), 150);
    clock.clearTimeout(cancelled);
    clock.advance(175);
    expect(fired).toEqual([['a', 1_100], ['c', 1_150]]);
    expect(clock.now()).toBe(1_175);
    clock.advance(25);
    expect(fired.at(-1)).toEqual(['b', 1_200]);
    expect(clock.pending).toBe(0);
  });

  it('timer set: a name holds one timer, clearAll clears them all', () => {
    const clock = new ManualClock();
    const timers = new TimerSet(clock);
    let n = 0;
    timers.set('a', () => n++, 10);
    timers.set('a', () => (n += 10), 10); // replaces
    timers.set('b', () => (n += 100), 20);
    clock.advance(10);
    expect(n).toBe(10);
    expect(timers.has('a')).toBe(false);
    timers.clearAll();
    expect(clock.pending).toBe(0);
  });

  it('offline buffer: bounded FIFO dropping the oldest, with put-back in front', () => {
    const buf = new OfflineBuffer<number>(3);
    expect([1, 2, 3, 4].flatMap((i) => buf.push(i))).toEqual([1]);
    expect(buf.prepend([0])).toEqual([0]); // put back but no room: the oldest still goes first
    expect(buf.drain()).toEqual([2, 3, 4]);
    expect(buf.dropped).toBe(2);
    for (let i = 0; i < 5_000; i++) buf.push(i);
    expect(buf.drain()).toEqual([4_997, 4_998, 4_999]);
  });

  it('nonce cache: a nonce is remembered until its command expires', () => {
    const cache = new NonceCache(2);
    cache.remember('n1', 1_000, 0);
    expect(cache.seen('n1', 1_000)).toBe(true);
    expect(cache.seen('n1', 1_001)).toBe(false);
    cache.remember('n2', 5_000, 2_000); // purges n1
    expect(cache.size).toBe(1);
    cache.remember('n3', 5_000, 2_000);
    cache.remember('n4', 5_000, 2_000);
    expect(cache.evicted).toBe(1);
  });

  it('building devices: every reader, desk sensor and meter of the Ménil-Flin file', () => {
    const { site, devices } = readBuildingDevices(DEFAULT_BUILDING_FILE);
    expect(site).toBe('menil-flin');
    const ids = new Set(devices.map((d) => d.deviceId));
    expect(ids.size).toBe(devices.length);
    expect(devices.find((d) => d.deviceId === 'rdr-main-out')).toEqual({
      kind: 'reader', deviceId: 'rdr-main-out', doorId: 'main-entrance', side: 'outside', heldOpenLimitS: 30, failMode: 'fail-secure',
    });
    expect(devices.find((d) => d.deviceId === 'rdr-server-room')).toMatchObject({ heldOpenLimitS: 15 });
    expect(devices.find((d) => d.deviceId === 'desk-cw-hot-01')).toEqual({ kind: 'desk', deviceId: 'desk-cw-hot-01', deskId: 'cw-hot-01', zoneId: 'coworking' });
    expect(devices.find((d) => d.deviceId === 'net-second')).toMatchObject({ kind: 'meter', ports: ['ge-0-1', 'ge-0-2', 'ge-0-3', 'ge-0-4'] });
    expect(devices.find((d) => d.deviceId === 'net-ground')).toMatchObject({ kind: 'meter', ports: ['total'] });
    expect(devices.filter((d) => d.kind === 'reader')).toHaveLength(15);
  });

  it('fleet: each reader gets its door\'s fail mode, held-open limit and unlock time from the building file', () => {
    const { devices } = readBuildingDevices(DEFAULT_BUILDING_FILE);
    const common = { brokerUrl: 'mqtt://127.0.0.1:1', site: 'menil-flin' };
    const make = (id: string) => createSimDevice(devices.find((d) => d.deviceId === id)!, 'secret', common) as SimReader;
    expect(make('rdr-museum')).toMatchObject({ failMode: 'fail-safe', heldOpenLimitS: 30, unlockMs: 5_000 });
    expect(make('rdr-server-room')).toMatchObject({ failMode: 'fail-secure', heldOpenLimitS: 15 });
    expect(make('rdr-main-out')).toBeInstanceOf(SimReader);
    const building = {
      site: { id: 'menil-flin' },
      doors: [{ id: 'd', heldOpenLimitS: 20, failMode: 'fail-safe', unlockS: 8, readers: [{ deviceId: 'rdr-d', side: 'outside' }] }],
    };
    const [spec] = parseBuildingDevices(building).devices;
    expect(spec).toEqual({ kind: 'reader', deviceId: 'rdr-d', doorId: 'd', side: 'outside', heldOpenLimitS: 20, failMode: 'fail-safe', unlockS: 8 });
    expect(createSimDevice(spec!, 'secret', common)).toMatchObject({ failMode: 'fail-safe', heldOpenLimitS: 20, unlockMs: 8_000 });
    expect(() => parseBuildingDevices({ ...building, doors: [{ ...building.doors[0], unlockS: 0 }] })).toThrow(/doors\[0\]\.unlockS/);
  });

  it('building devices: a bad field is named in the error', () => {
    const building = { site: { id: 'menil-flin' }, doors: [{ id: 'd', heldOpenLimitS: 30, failMode: 'fail-safe', readers: [{ deviceId: 'Bad Id', side: 'outside' }] }] };
    expect(() => parseBuildingDevices(building, 'b.json')).toThrow('building file b.json: doors[0].readers[0].deviceId "Bad Id" is not a device id');
    expect(() => parseBuildingDevices({ site: { id: 'x' }, desks: [{ id: 'a', zone: 'z', sensor: 'desk-1' }, { id: 'b', zone: 'z', sensor: 'desk-1' }] }))
      .toThrow(/desk-1" twice/);
  });
});
