import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allStatusFilter, allUplinksFilter, deviceDownlinkFilter, downlinkTopic, statusTopic, uplinkTopic } from '../../gateway/protocol/topics.js';
import { mosquittoAcl, mosquittoAvailable, startMosquitto, type RunningMosquitto } from './mosquitto.js';

const SITE = 'menil-flin';
const CONTROLLER = { username: 'controller', password: 'controller-secret-1' };
const READER = { username: 'rdr-main-out', password: 'reader-secret-out' };
const OTHER_READER = { username: 'rdr-main-in', password: 'reader-secret-in' };

/** How long a message that must NOT arrive is waited for, after a marker that must arrive has. */
const SETTLE_MS = 150; // 150 ms

describe.skipIf(!mosquittoAvailable())('Mosquitto test harness', () => {
  let broker: RunningMosquitto;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ site: SITE, users: [CONTROLLER, READER, OTHER_READER], controllerUsername: CONTROLLER.username });
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });

  /** Connects and resolves on CONNACK; rejects with the broker's refusal. */
  function open(options: IClientOptions): Promise<MqttClient> {
    return new Promise((resolve, reject) => {
      const client = connect(broker.url, { reconnectPeriod: 0, connectTimeout: 5_000, protocolVersion: 5, ...options });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
  }

  /** Collects `topic payload` lines a client receives. */
  function inbox(client: MqttClient): string[] {
    const received: string[] = [];
    client.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    return received;
  }

  async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${broker.log()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function controller(): Promise<{ client: MqttClient; received: string[] }> {
    const client = await open({ ...CONTROLLER, clientId: 'controller-gateway' });
    const received = inbox(client);
    await client.subscribeAsync([allUplinksFilter(SITE), allStatusFilter(SITE)], { qos: 1 });
    return { client, received };
  }

  it('writes the ACL of the protocol with %u patterns and the controller user', () => {
    const acl = mosquittoAcl(SITE, 'controller');
    expect(acl).toContain('pattern write mf/v1/menil-flin/%u/up/#');
    expect(acl).toContain('pattern write mf/v1/menil-flin/%u/status');
    expect(acl).toContain('pattern read mf/v1/menil-flin/%u/down/#');
    expect(acl).toMatch(/user controller\ntopic read mf\/v1\/menil-flin\/\+\/up\/#\ntopic read mf\/v1\/menil-flin\/\+\/status\ntopic write mf\/v1\/menil-flin\/\+\/down\/#/);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  });

  it('refuses an anonymous client', async () => {
    await expect(open({ clientId: 'rdr-main-out' })).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(open({ clientId: 'rdr-main-out', protocolVersion: 4 })).rejects.toThrow(/Not authorized/i);
  });

  it('refuses a wrong password', async () => {
    await expect(open({ username: READER.username, password: 'not-the-secret' })).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('delivers a device uplink on its own topic to the controller user', async () => {
    const ctl = await controller();
    const reader = await open({ ...READER, clientId: READER.username });
    await reader.publishAsync(uplinkTopic(SITE, READER.username, 'badge'), '{"uid":"04A1B2C3"}', { qos: 1 });
    await until(() => ctl.received.length === 1, 'the uplink');
    expect(ctl.received).toEqual([`mf/v1/menil-flin/rdr-main-out/up/badge {"uid":"04A1B2C3"}`]);
  });

  it('delivers a retained status to the controller when it subscribes later', async () => {
    const reader = await open({ ...READER });
    await reader.publishAsync(statusTopic(SITE, READER.username), '{"state":"online"}', { qos: 1, retain: true });
    const ctl = await controller();
    await until(() => ctl.received.length === 1, 'the retained status');
    expect(ctl.received).toEqual([`mf/v1/menil-flin/rdr-main-out/status {"state":"online"}`]);
    await reader.publishAsync(statusTopic(SITE, READER.username), '', { qos: 1, retain: true }); // clear it for the next tests
  });

  it('does not deliver what a device publishes on another device\'s topic', async () => {
    const ctl = await controller();
    const reader = await open({ ...READER });
    // MQTT 5: Mosquitto answers PUBACK "Not authorized" (0x87)
    await expect(reader.publishAsync(uplinkTopic(SITE, OTHER_READER.username, 'badge'), 'forged', { qos: 1 }))
      .rejects.toThrow(/Not authorized/);
    await expect(reader.publishAsync(statusTopic(SITE, OTHER_READER.username), 'forged', { qos: 1 }))
      .rejects.toThrow(/Not authorized/);
    // MQTT 3.1.1 has no negative PUBACK: the broker acknowledges and drops
    const legacy = await open({ ...READER, protocolVersion: 4 });
    await legacy.publishAsync(uplinkTopic(SITE, OTHER_READER.username, 'rex'), 'forged', { qos: 1 });
    await legacy.publishAsync(uplinkTopic(SITE, READER.username, 'rex'), 'marker', { qos: 1 });
    await until(() => ctl.received.length >= 1, 'the marker');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(ctl.received).toEqual(['mf/v1/menil-flin/rdr-main-out/up/rex marker']);
  });

  it('does not let a device publish a downlink, nor read another device\'s downlinks', async () => {
    const ctl = await controller();
    const reader = await open({ ...READER });
    const readerInbox = inbox(reader);
    const other = await open({ ...OTHER_READER });
    const otherInbox = inbox(other);
    await reader.subscribeAsync(deviceDownlinkFilter(SITE, READER.username), { qos: 1 });
    // Mosquitto grants any SUBSCRIBE and filters each message by the read ACL on delivery
    await other.subscribeAsync('mf/v1/menil-flin/+/down/+', { qos: 1 });
    await other.subscribeAsync(deviceDownlinkFilter(SITE, OTHER_READER.username), { qos: 1 });

    await expect(other.publishAsync(downlinkTopic(SITE, READER.username, 'door_cmd'), 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
    await ctl.client.publishAsync(downlinkTopic(SITE, READER.username, 'access'), 'for-out', { qos: 1 });
    await ctl.client.publishAsync(downlinkTopic(SITE, OTHER_READER.username, 'access'), 'for-in', { qos: 1 });
    await until(() => readerInbox.length >= 1 && otherInbox.length >= 1, 'both downlinks');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(readerInbox).toEqual(['mf/v1/menil-flin/rdr-main-out/down/access for-out']);
    // MQTT 5 delivers one copy per matching subscription (two filters match here); none is the reader's
    expect(new Set(otherInbox)).toEqual(new Set(['mf/v1/menil-flin/rdr-main-in/down/access for-in']));
  });

  it('does not let the controller publish uplinks or status', async () => {
    const ctl = await controller();
    await expect(ctl.client.publishAsync(uplinkTopic(SITE, READER.username, 'badge'), 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
    await expect(ctl.client.publishAsync(statusTopic(SITE, READER.username), 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
  });

  it('makes takeover impossible: the client id is replaced by the username', async () => {
    const ctl = await controller();
    const reader = await open({ ...READER, clientId: READER.username });
    let readerClosed = false;
    reader.on('close', () => {
      readerClosed = true;
    });
    // another device's credentials with the reader's client id: a different session, no takeover
    const intruder = await open({ ...OTHER_READER, clientId: READER.username });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(readerClosed).toBe(false);
    // its effective identity is its username: its own topic works, the reader's does not
    await expect(intruder.publishAsync(uplinkTopic(SITE, READER.username, 'badge'), 'forged', { qos: 1 })).rejects.toThrow(/Not authorized/);
    await intruder.publishAsync(uplinkTopic(SITE, OTHER_READER.username, 'heartbeat'), 'intruder-own', { qos: 1 });
    await reader.publishAsync(uplinkTopic(SITE, READER.username, 'heartbeat'), 'still-here', { qos: 1 });
    await until(() => ctl.received.length === 2, 'both heartbeats');
    expect(ctl.received.sort()).toEqual([
      'mf/v1/menil-flin/rdr-main-in/up/heartbeat intruder-own',
      'mf/v1/menil-flin/rdr-main-out/up/heartbeat still-here',
    ]);
    expect(readerClosed).toBe(false);

    // the reader's own credentials under any client id are the same session: that one does take over [MQTT-3.1.4-2]
    await open({ ...READER, clientId: 'some-other-client-id' });
    await until(() => readerClosed, 'the first reader connection to be taken over');
  });

  it('refuses a packet larger than 64 KiB', async () => {
    const reader = await open({ ...READER, protocolVersion: 4 });
    const closed = new Promise<void>((resolve) => reader.once('close', () => resolve()));
    reader.publish(uplinkTopic(SITE, READER.username, 'net'), Buffer.alloc(65_536, 0x20), { qos: 1 });
    await closed;
  });

  it('adds a user at run time with addUser (password file rewritten, SIGHUP)', async () => {
    const desk = { username: 'desk-cw-hot-01', password: 'desk-secret-01' };
    await expect(open(desk)).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
    await broker.addUser(desk.username, desk.password);
    const ctl = await controller();
    const sensor = await open(desk);
    await sensor.publishAsync(uplinkTopic(SITE, desk.username, 'desk'), 'occupied', { qos: 1 });
    await until(() => ctl.received.length === 1, 'the desk uplink');
    expect(ctl.received).toEqual(['mf/v1/menil-flin/desk-cw-hot-01/up/desk occupied']);
    // the users given at start still work after the reload
    await open(READER);
  });
});

describe.skipIf(!mosquittoAvailable())('Mosquitto harness lifecycle', () => {
  it('stop() ends the broker, frees the port and can be called twice', async () => {
    const broker = await startMosquitto({ site: SITE, users: [CONTROLLER], controllerUsername: CONTROLLER.username });
    await broker.stop();
    await broker.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const client = connect(broker.url, { reconnectPeriod: 0, connectTimeout: 2_000, ...CONTROLLER });
      client.once('connect', () => {
        client.end(true);
        resolve(false);
      });
      client.once('error', () => {
        client.end(true);
        resolve(true);
      });
    });
    expect(refused).toBe(true);
  });

  it('rejects a controller user that is not among the users', async () => {
    await expect(startMosquitto({ site: SITE, users: [READER], controllerUsername: 'controller' })).rejects.toThrow(/not among the users/);
  });
});
