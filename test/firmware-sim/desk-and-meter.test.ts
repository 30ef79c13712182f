import { afterEach, describe, expect, it } from 'vitest';
import { parseUplink, uplinkTopic } from '../../gateway/protocol/index.js';
import { ManualClock } from '../../firmware-sim/clock.js';
import { SimDeskSensor } from '../../firmware-sim/desk-sensor.js';
import type { SimDevice } from '../../firmware-sim/device.js';
import { SimNetMeter } from '../../firmware-sim/net-meter.js';
import { SITE, startTestBroker, until, type TestBroker } from './harness.js';

const DESK = { id: 'desk-sim-1', secret: 'desk-sim-1-secret' };
const METER = { id: 'net-sim-1', secret: 'net-sim-1-secret' };
const passwords = { [DESK.id]: DESK.secret, [METER.id]: METER.secret };

describe('SimDeskSensor and SimNetMeter', () => {
  let broker: TestBroker;
  const devices: SimDevice[] = [];

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await broker?.close();
  });

  const wire = (deviceId: string, kind: 'desk' | 'net' | 'heartbeat') =>
    broker.published.filter((p) => p.topic === uplinkTopic(SITE, deviceId, kind)).map((p) => {
      expect(parseUplink(kind, p.payload).ok).toBe(true);
      return JSON.parse(p.payload) as Record<string, unknown>;
    });

  it('desk: a state is reported only once stable for debounceMs, with the battery level', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const desk = new SimDeskSensor({ brokerUrl: broker.url, site: SITE, deviceId: DESK.id, secret: DESK.secret, clock, debounceMs: 5_000, battery: 80 });
    devices.push(desk);
    await desk.start();

    const flap = desk.setOccupied(true);
    clock.advance(4_000);
    const back = desk.setOccupied(false); // gone before it was stable: nothing to say
    expect(await flap).toBe(false);
    clock.advance(5_000); // "free" held: reported, as nothing was yet this boot
    expect(await back).toBe(true);
    const sitting = desk.setOccupied(true);
    clock.advance(4_999);
    expect(desk.occupied).toBe(false);
    desk.battery = 79;
    clock.advance(1);
    expect(await sitting).toBe(true);
    expect(await desk.setOccupied(true)).toBe(false); // unchanged: no uplink
    await until(() => wire(DESK.id, 'desk').length === 2, 'two desk uplinks');
    expect(wire(DESK.id, 'desk')).toMatchObject([{ occupied: false, battery: 80, seq: 0 }, { occupied: true, battery: 79, seq: 1 }]);

    clock.advance(30_000 - 14_000); // the heartbeat, 30 s after boot, carries the battery too
    await until(() => wire(DESK.id, 'heartbeat').length === 1, 'a heartbeat');
    expect(wire(DESK.id, 'heartbeat')[0]).toMatchObject({ battery: 79, uptimeS: 30 });
    expect(() => { desk.battery = 101; }).toThrow(RangeError);
  });

  it('desk: debounceMs 0 reports at once', async () => {
    broker = await startTestBroker({ passwords });
    const desk = new SimDeskSensor({ brokerUrl: broker.url, site: SITE, deviceId: DESK.id, secret: DESK.secret, debounceMs: 0 });
    devices.push(desk);
    await desk.start();
    expect(await desk.setOccupied(true)).toBe(true);
    expect(await desk.setOccupied(false)).toBe(true);
    expect(wire(DESK.id, 'desk').map((u) => u.occupied)).toEqual([true, false]);
  });

  it('net meter: 32-bit counters wrap, 64-bit ones too, and are sent as decimal strings', async () => {
    broker = await startTestBroker({ passwords });
    const meter32 = new SimNetMeter({ brokerUrl: broker.url, site: SITE, deviceId: METER.id, secret: METER.secret, ports: ['ge-0-1', 'ge-0-2'], width: 32, reportIntervalS: 0 });
    devices.push(meter32);
    await meter32.start();
    meter32.addTraffic('ge-0-1', 2 ** 32 - 10, 5);
    meter32.addTraffic('ge-0-1', 25, 5n);
    expect(meter32.portCounters('ge-0-1')).toEqual({ rx: 15n, tx: 10n });
    const report = await meter32.report();
    expect(report.counters).toEqual([
      { port: 'ge-0-1', rxBytes: '15', txBytes: '10', width: 32 },
      { port: 'ge-0-2', rxBytes: '0', txBytes: '0', width: 32 },
    ]);
    expect(() => meter32.addTraffic('ge-9-9', 1, 1)).toThrow(/no port/);
    expect(() => meter32.addTraffic('ge-0-1', -1, 0)).toThrow(RangeError);

    const meter64 = new SimNetMeter({ brokerUrl: broker.url, site: SITE, deviceId: METER.id, secret: METER.secret, ports: ['uplink'] });
    meter64.addTraffic('uplink', 2n ** 64n - 1n, 2n ** 63n);
    meter64.addTraffic('uplink', 2, 2n ** 63n + 7n);
    expect(meter64.portCounters('uplink')).toEqual({ rx: 1n, tx: 7n });
  });

  it('net meter: a reboot restarts counters, uptime, seq and bootId; reports are periodic', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const meter = new SimNetMeter({ brokerUrl: broker.url, site: SITE, deviceId: METER.id, secret: METER.secret, ports: ['total'], clock, reportIntervalS: 60, heartbeatIntervalS: 3600 });
    devices.push(meter);
    await meter.start();
    const firstBoot = meter.bootId;
    meter.addTraffic('total', 1_000_000, 2_000_000);
    clock.advance(60_000);
    meter.addTraffic('total', 1, 1);
    clock.advance(60_000);
    await until(() => wire(METER.id, 'net').length === 2, 'two periodic reports');
    expect(wire(METER.id, 'net')).toMatchObject([
      { uptimeS: 60, seq: 0, counters: [{ rxBytes: '1000000', txBytes: '2000000', width: 64 }] },
      { uptimeS: 120, seq: 1, counters: [{ rxBytes: '1000001', txBytes: '2000001' }] },
    ]);

    await meter.reboot();
    expect(meter.bootId).not.toBe(firstBoot);
    expect(meter.portCounters('total')).toEqual({ rx: 0n, tx: 0n });
    clock.advance(5_000);
    const after = await meter.report();
    expect(after).toMatchObject({ bootId: meter.bootId, seq: 0, uptimeS: 5, counters: [{ rxBytes: '0', txBytes: '0' }] });
  });
});
