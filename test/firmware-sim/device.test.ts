import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { downlinkTopic, parseStatus, parseUplink, statusTopic, uplinkTopic } from '../../gateway/protocol/index.js';
import { ManualClock } from '../../firmware-sim/clock.js';
import { BrokerRefusedError, DeviceStoppedError, SimDevice, UplinkDroppedError, type SimDeviceOptions } from '../../firmware-sim/device.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { watchNoDelay } from '../support/no-delay.js';
import { command, connectController, nextEvent, settle, SITE, startTestBroker, until, type TestBroker } from './harness.js';

const DEVICE = { id: 'sim-dev-1', secret: 'sim-dev-1-secret' };
const OBSERVER = { id: 'observer', secret: 'observer-secret' };
const passwords = { [DEVICE.id]: DEVICE.secret, [OBSERVER.id]: OBSERVER.secret };

describe('SimDevice', () => {
  let broker: TestBroker | undefined;
  const devices: SimDevice[] = [];
  const clients: MqttClient[] = [];

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.close();
    broker = undefined;
  });

  function device(options: Partial<SimDeviceOptions> = {}): SimDevice {
    const d = new SimDevice({ brokerUrl: broker!.url, site: SITE, deviceId: DEVICE.id, secret: DEVICE.secret, ...options });
    devices.push(d);
    return d;
  }
  async function controller() {
    const c = await connectController(broker!);
    clients.push(c.client);
    return c;
  }
  const uplinks = (kind: string) => broker!.published.filter((p) => p.topic === uplinkTopic(SITE, DEVICE.id, kind as 'desk'));

  it('connect: turns Nagle off on its socket, as the protocol asks of readers', async () => {
    broker = await startTestBroker({ passwords });
    const noDelay = watchNoDelay();
    try {
      await device().start();
      expect(noDelay.turnedOffTo(broker.port)).toHaveLength(1);
    } finally {
      noDelay.restore();
    }
  });

  it('connect: a retained online birth, then a retained offline will when its socket dies', async () => {
    broker = await startTestBroker({ passwords });
    const d = device({ reconnect: { baseMs: 10_000, maxMs: 10_000 } }); // stays offline for the rest of the test
    await d.start();
    expect(d.online).toBe(true);
    expect(d.bootId).toMatch(/^[A-Za-z0-9_-]{4,36}$/);

    const { inbox } = await controller();
    await until(() => inbox.length > 0, 'the retained birth');
    expect(inbox[0]).toMatchObject({ topic: statusTopic(SITE, DEVICE.id), retain: true, json: { v: 1, deviceId: DEVICE.id, bootId: d.bootId, state: 'online' } });
    expect(parseStatus(JSON.stringify(inbox[0]!.json)).ok).toBe(true);

    const reconnecting = nextEvent(d, 'reconnecting');
    broker.clients.get(DEVICE.id)!.conn.destroy();
    await until(() => inbox.some((m) => m.json.state === 'offline'), 'the will');
    expect(inbox.at(-1)!.json).toMatchObject({ deviceId: DEVICE.id, bootId: d.bootId, state: 'offline' });
    expect((await reconnecting).delayMs).toBeGreaterThanOrEqual(5_000);
    expect(d.online).toBe(false);

    // a client that subscribes now is told the device is offline: the will was retained
    const { connect } = await import('mqtt');
    const late = connect(broker.url, { clientId: OBSERVER.id, username: OBSERVER.id, password: OBSERVER.secret, reconnectPeriod: 0 });
    clients.push(late);
    const retained = new Promise<{ state: unknown; retain: boolean }>((resolve) => late.on('message', (_t, p, packet) => resolve({ state: JSON.parse(p.toString()).state, retain: packet.retain })));
    await late.subscribeAsync(statusTopic(SITE, DEVICE.id), { qos: 1 });
    expect(await retained).toEqual({ state: 'offline', retain: true });
  });

  it('stop: publishes a retained offline status before disconnecting and clears every timer', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const d = device({ clock });
    await d.start();
    const bootId = d.bootId;
    expect(clock.pending).toBeGreaterThan(0); // the heartbeat
    await d.stop();
    expect(clock.pending).toBe(0);
    const statuses = broker.published.filter((p) => p.topic === statusTopic(SITE, DEVICE.id));
    expect(statuses.map((s) => [JSON.parse(s.payload).state, s.retain])).toEqual([['online', true], ['offline', true]]);
    expect(JSON.parse(statuses[1]!.payload)).toMatchObject({ bootId, ts: clock.now() });
    await d.stop(); // twice is fine
  });

  it('refused credentials: start() rejects with a clear error and leaves nothing running', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const d = device({ secret: 'wrong-secret', clock });
    const err = await d.start().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerRefusedError);
    expect((err as Error).message).toMatch(/sim-dev-1.*Not authorized.*secret/);
    expect(d.started).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('refused subscription: start() rejects rather than run a device deaf to its commands', async () => {
    broker = await startTestBroker({ passwords, authorizeSubscribe: (_client, _sub, callback) => callback(null, null) }); // a SUBACK with 0x80
    await expect(device().start()).rejects.toThrow(/refused the subscription of sim-dev-1 to mf\/v1\/menil-flin\/sim-dev-1\/down\/\+/);
  });

  it('stop while offline: ends at once, rejects what was buffered and clears every timer', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const d = device({ clock });
    await d.start();
    const retrying = nextEvent(d, 'reconnecting');
    await broker.close();
    await retrying;
    const buffered = d.publishUplink('desk', { occupied: true });
    await d.stop();
    await expect(buffered).rejects.toBeInstanceOf(DeviceStoppedError);
    expect(clock.pending).toBe(0);
    await expect(d.publishUplink('desk', { occupied: true })).rejects.toThrow(/not started/);
  });

  it('seq: uplinks carry the bootId and a seq from 0; a restart is a new boot', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const d = device({ clock });
    await d.start();
    const first = d.bootId;
    const sent = [await d.publishUplink('desk', { occupied: true }), await d.publishUplink('desk', { occupied: false }), await d.heartbeat()];
    expect(sent.map((u) => [u.bootId, u.seq])).toEqual([[first, 0], [first, 1], [first, 2]]);
    expect(sent[2]).toMatchObject({ uptimeS: 0, intervalS: 30, ts: clock.now(), v: 1, deviceId: DEVICE.id });
    await d.stop();
    await d.start();
    expect(d.bootId).not.toBe(first);
    expect((await d.publishUplink('desk', { occupied: true })).seq).toBe(0);
    const wire = uplinks('desk').map((p) => JSON.parse(p.payload));
    expect(wire.map((u) => u.seq)).toEqual([0, 1, 0]);
    expect(uplinks('desk').every((p) => !p.retain && parseUplink('desk', p.payload).ok)).toBe(true);
  });

  it('seq: an invalid uplink is refused before it is sent and uses no seq number', async () => {
    broker = await startTestBroker({ passwords });
    const d = device();
    await d.start();
    await expect(d.publishUplink('badge', { uid: 'not-hex' })).rejects.toThrow(/invalid badge uplink/);
    expect(d.nextSeq).toBe(0);
  });

  it('heartbeat: every heartbeatIntervalS with its uptime and interval', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const d = device({ clock, heartbeatIntervalS: 60 });
    await d.start();
    clock.advance(60_000);
    clock.advance(60_000);
    await until(() => uplinks('heartbeat').length === 2, 'two heartbeats');
    expect(uplinks('heartbeat').map((p) => JSON.parse(p.payload))).toMatchObject([{ uptimeS: 60, intervalS: 60, seq: 0 }, { uptimeS: 120, seq: 1 }]);
  });

  it('QoS 1: publishUplink resolves only when the PUBACK arrives', async () => {
    const held: (() => void)[] = [];
    broker = await startTestBroker({
      passwords,
      // like the gateway's group commit: the PUBACK waits for the callback
      authorizePublish: (_client, packet, callback) => {
        if (packet.topic.includes('/up/')) held.push(() => callback(null));
        else callback(null);
      },
    });
    const d = device();
    await d.start();
    let acked = false;
    const publishing = d.publishUplink('desk', { occupied: true }).then((u) => { acked = true; return u; });
    await until(() => held.length === 1, 'the uplink at the broker');
    await settle(100);
    expect(acked).toBe(false);
    held[0]!();
    expect((await publishing).seq).toBe(0);
  });

  it('offline buffer: uplinks made while the broker is down are sent in order once it is back on the same port', async () => {
    broker = await startTestBroker({ passwords });
    const port = broker.port;
    const d = device({ reconnect: { baseMs: 50, maxMs: 100 } });
    await d.start();
    await d.publishUplink('desk', { occupied: true });

    const down = nextEvent(d, 'disconnected');
    await broker.close();
    await down;
    const offline = [true, false, true, false, true].map((occupied) => d.publishUplink('desk', { occupied }));
    expect(d.buffered).toBe(5);

    broker = await startTestBroker({ passwords, port });
    const acked = await Promise.all(offline);
    expect(acked.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
    const wire = uplinks('desk').map((p) => JSON.parse(p.payload) as { seq: number; occupied: boolean });
    expect(wire.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(wire.map((u) => u.occupied)).toEqual([true, false, true, false, true]);
    expect(d.buffered).toBe(0);
    // the birth of the new connection came before the backlog
    expect(broker.published[0]).toMatchObject({ topic: statusTopic(SITE, DEVICE.id), retain: true });
  });

  it('offline buffer: when full, the oldest uplinks are dropped and counted', async () => {
    broker = await startTestBroker({ passwords });
    const port = broker.port;
    const d = device({ maxBufferedUplinks: 3, reconnect: { baseMs: 50, maxMs: 100 } });
    await d.start();
    const down = nextEvent(d, 'disconnected');
    await broker.close();
    await down;
    const results = [0, 1, 2, 3, 4].map((i) => d.publishUplink('desk', { occupied: i % 2 === 0 }).then((u) => u.seq, (e: unknown) => e));
    expect(d.droppedUplinks).toBe(2);
    broker = await startTestBroker({ passwords, port });
    const settled = await Promise.all(results);
    expect(settled[0]).toBeInstanceOf(UplinkDroppedError);
    expect(settled[1]).toBeInstanceOf(UplinkDroppedError);
    expect(settled.slice(2)).toEqual([2, 3, 4]);
    expect(uplinks('desk').map((p) => JSON.parse(p.payload).seq)).toEqual([2, 3, 4]);
  });

  it('reconnection: exponential backoff capped at maxMs, reset after a success', async () => {
    broker = await startTestBroker({ passwords });
    const port = broker.port;
    const d = device({ reconnect: { baseMs: 20, maxMs: 100, random: () => 1 } }); // no jitter: exact delays
    const delays: number[] = [];
    d.on('event', (e) => { if (e.type === 'reconnecting') delays.push(e.delayMs); });
    await d.start();
    await broker.close();
    await until(() => delays.length >= 5, 'five attempts');
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 100, 100]);

    const back = nextEvent(d, 'connected');
    broker = await startTestBroker({ passwords, port });
    await back;
    delays.length = 0;
    broker.clients.get(DEVICE.id)!.conn.destroy();
    await until(() => delays.length >= 1, 'a retry');
    expect(delays[0]).toBe(20);
  });

  it('reconnection: jitter keeps each delay between half and all of its ceiling', async () => {
    const { Backoff } = await import('../../firmware-sim/backoff.js');
    const values = [0, 0.5, 0.999];
    let call = 0;
    const b = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => values[call++ % 3]! });
    const got = Array.from({ length: 10 }, () => b.next());
    const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000];
    got.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(ms).toBeLessThanOrEqual(ceilings[i]!);
    });
  });

  it('commands: a retained, an expired, a replayed and an invalid one are ignored; a fresh one is applied', async () => {
    broker = await startTestBroker({ passwords });
    const clock = new ManualClock();
    const { client, inbox } = await controller();
    const topic = downlinkTopic(SITE, DEVICE.id, 'door_cmd');
    const retained = { ...command(clock.now()), action: 'unlock' };
    await client.publishAsync(topic, JSON.stringify(retained), { qos: 1, retain: true });

    const reader = new SimReader({ brokerUrl: broker.url, site: SITE, deviceId: DEVICE.id, secret: DEVICE.secret, clock });
    devices.push(reader);
    const ignoredRetained = nextEvent(reader, 'ignored');
    await reader.start();
    expect(await ignoredRetained).toMatchObject({ kind: 'door_cmd', reason: 'retained' });
    expect(reader.lock.locked).toBe(true);

    const acks = () => inbox.filter((m) => m.topic === uplinkTopic(SITE, DEVICE.id, 'ack')).map((m) => m.json);
    const expired = { ...command(clock.now() - 20_000, 10_000), action: 'unlock' };
    await client.publishAsync(topic, JSON.stringify(expired), { qos: 1 });
    await until(() => acks().length === 1, 'the expired ack');
    expect(acks()[0]).toMatchObject({ nonce: expired.nonce, result: 'expired' });
    expect(reader.lock.locked).toBe(true);

    const fresh = { ...command(clock.now()), action: 'unlock', durationMs: 60_000 };
    await client.publishAsync(topic, JSON.stringify(fresh), { qos: 1 });
    await until(() => acks().length === 2, 'the done ack');
    expect(acks()[1]).toMatchObject({ nonce: fresh.nonce, result: 'done' });
    expect(reader.lock).toMatchObject({ locked: false, cause: 'command', until: clock.now() + 60_000 });

    await client.publishAsync(topic, JSON.stringify(fresh), { qos: 1 });
    await until(() => acks().length === 3, 'the replayed ack');
    expect(acks()[2]).toMatchObject({ nonce: fresh.nonce, result: 'replayed' });

    await client.publishAsync(topic, JSON.stringify({ ...command(clock.now()), action: 'explode' }), { qos: 1 });
    await until(() => reader.stats.ignored.invalid === 1, 'the invalid command');
    await settle(50);
    expect(acks()).toHaveLength(3); // no nonce can be trusted in an invalid command: no ack
    expect(reader.stats.ignored).toEqual({ retained: 1, expired: 1, replayed: 1, invalid: 1 });
  });
});
