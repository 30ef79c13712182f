import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uplinkTopic } from '../../gateway/protocol/index.js';
import { startTestController, type TestController } from '../support/controller.js';
import { closed, connectDevice, deviceStatusTopic, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';

describe('durable, deduplicated ingest (embedded broker)', () => {
  let ctl: TestController;
  const ids = ['desk-lab-01', 'desk-lab-02', 'net-first', 'rdr-coworking'] as const;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    ctl = await startTestController({ DEVICE_OFFLINE_AFTER_S: '5' });
    for (const id of ids) secrets[id] = await ctl.provision(id);
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  const events = (deviceId: string) => ctl.query<{ kind: string; seq: number; boot_id: string; payload: string; device_ts: number; received_at: number }>(
    'SELECT kind, seq, boot_id, payload, device_ts, received_at FROM events WHERE device_id = ? ORDER BY id', deviceId);
  const deadLetters = (deviceId: string) => ctl.query<{ reason: string; payload: string; topic: string }>(
    'SELECT reason, payload, topic FROM dead_letters WHERE device_id = ? ORDER BY id', deviceId);

  it('stores a valid uplink before the PUBACK, with device and server time', async () => {
    const client = await connectDevice(ctl.system.mqttUrl, 'desk-lab-01', secrets['desk-lab-01'] as string);
    const bootId = newBootId();
    const before = Date.now();
    await publishUplink(client, 'desk-lab-01', 'desk', uplink('desk', 'desk-lab-01', bootId, 0, { ts: 1_700_000_000_000 }));
    // No polling: the PUBACK itself means the row is committed.
    const rows = events('desk-lab-01');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'desk', seq: 0, boot_id: bootId, device_ts: 1_700_000_000_000 });
    expect(rows[0]?.received_at).toBeGreaterThanOrEqual(before);
    await client.endAsync();
  });

  it('stores a redelivered or repeated (device, boot, seq) once', async () => {
    const client = await connectDevice(ctl.system.mqttUrl, 'desk-lab-02', secrets['desk-lab-02'] as string);
    const bootId = newBootId();
    const payload = uplink('desk', 'desk-lab-02', bootId, 7);
    await publishUplink(client, 'desk-lab-02', 'desk', payload);
    await publishUplink(client, 'desk-lab-02', 'desk', payload);
    // The same packet again with the DUP flag, as a QoS 1 redelivery [MQTT-3.3.1-1].
    await client.publishAsync(uplinkTopic(SITE_ID, 'desk-lab-02', 'desk'), payload, { qos: 1, dup: true });
    // Same seq after a reboot is a new event.
    await publishUplink(client, 'desk-lab-02', 'desk', uplink('desk', 'desk-lab-02', newBootId(), 7));
    expect(events('desk-lab-02')).toHaveLength(2);
    await client.endAsync();
  });

  it('acknowledges and dead-letters malformed payloads without dropping the connection', async () => {
    const id = 'net-first';
    const client = await connectDevice(ctl.system.mqttUrl, id, secrets[id] as string);
    const bootId = newBootId();
    const wasClosed = closed(client, 1_000);
    const bad = [
      { payload: '{not json', reason: /not valid JSON/ },
      { payload: JSON.stringify({ v: 1, deviceId: id, bootId, seq: 1 }), reason: /schema/ },
      { payload: uplink('net', id, bootId, 2, { counters: [{ port: 'ge-0-1', rxBytes: -5, txBytes: '1', width: 64 }] }), reason: /schema/ },
      { payload: uplink('net', 'net-second', bootId, 3), reason: /does not match/ },
      { payload: Buffer.from([0xff, 0xfe, 0x00]), reason: /not valid JSON/ },
    ];
    for (const b of bad) await client.publishAsync(uplinkTopic(SITE_ID, id, 'net'), b.payload, { qos: 1 });
    const dead = deadLetters(id);
    expect(dead).toHaveLength(bad.length);
    bad.forEach((b, i) => expect(dead[i]?.reason).toMatch(b.reason));
    expect(dead[4]?.payload).toBe('base64:' + Buffer.from([0xff, 0xfe, 0x00]).toString('base64'));
    expect(events(id)).toHaveLength(0);
    // Still connected, and a good uplink after the bad ones is stored.
    await publishUplink(client, id, 'net', uplink('net', id, bootId, 4));
    expect(events(id)).toHaveLength(1);
    expect(await wasClosed).toBe(false);
    const listed = await ctl.api('GET', '/api/dead-letters?limit=3');
    expect(listed.status).toBe(200);
    expect(listed.json).toHaveLength(3);
    await client.endAsync();
  });

  it('commits a burst of uplinks from one connection in group commits, each stored once', async () => {
    const id = 'desk-lab-01';
    const client = await connectDevice(ctl.system.mqttUrl, id, secrets[id] as string);
    const bootId = newBootId();
    await Promise.all(Array.from({ length: 1_000 }, (_, seq) => publishUplink(client, id, 'heartbeat', uplink('heartbeat', id, bootId, seq))));
    expect(events(id).filter((e) => e.boot_id === bootId)).toHaveLength(1_000);
    await client.endAsync();
  });

  it('tracks device presence: birth, last will, uplinks, missed heartbeats', async () => {
    const id = 'rdr-coworking';
    const bootId = newBootId();
    const status = (state: string) => JSON.stringify({ v: 1, deviceId: id, bootId, state, ts: Date.now() });
    const client = await connectDevice(ctl.system.mqttUrl, id, secrets[id] as string, {
      will: { topic: deviceStatusTopic(id), payload: Buffer.from(status('offline')), qos: 1, retain: true },
    });
    await client.publishAsync(deviceStatusTopic(id), status('online'), { qos: 1, retain: true });
    const device = async () => (await ctl.api('GET', `/api/devices/${id}`)).json as { online: boolean; lastSeenAt: number | null };
    await eventually(async () => (await device()).online, 'online after birth');
    await new Promise((r) => setTimeout(r, 200));
    expect((await device()).online).toBe(true);
    // An unclean drop: the broker publishes the will.
    client.stream.destroy();
    await eventually(() => ctl.query("SELECT 1 FROM device_presence_log WHERE device_id = ? AND online = 0", id).length > 0, 'offline after will');

    // Uplinks alone bring it back; silence past DEVICE_OFFLINE_AFTER_S takes it offline again.
    const again = await connectDevice(ctl.system.mqttUrl, id, secrets[id] as string);
    await publishUplink(again, id, 'heartbeat', uplink('heartbeat', id, bootId, 100, { intervalS: 1 }));
    await eventually(() => ctl.query('SELECT 1 FROM devices WHERE id = ? AND online = 1', id).length > 0, 'online after an uplink');
    await eventually(() => ctl.query("SELECT 1 FROM device_presence_log WHERE device_id = ? AND reason = 'heartbeats missed'", id).length > 0,
      'offline after missed heartbeats', 15_000);
    const log = ctl.query<{ online: number; reason: string }>('SELECT online, reason FROM device_presence_log WHERE device_id = ? ORDER BY id', id);
    expect(log.map((l) => `${l.online}:${l.reason}`)).toEqual(['1:birth', '0:last will or clean stop', '1:uplink', '0:heartbeats missed']);
    await again.endAsync();
  }, 30_000);
});
