import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { downlinkTopic, parseTopic, uplinkTopic, type AccessDownlink } from '../../gateway/protocol/index.js';
import { ManualClock, type Clock } from '../../firmware-sim/clock.js';
import { SimReader, type SimReaderOptions } from '../../firmware-sim/reader.js';
import { command, connectController, nextEvent, settle, SITE, startTestBroker, until, type Received, type TestBroker } from './harness.js';

const READER = { id: 'rdr-sim-1', secret: 'rdr-sim-1-secret' };
const passwords = { [READER.id]: READER.secret };
const UID = '04A1B2C3D4E5F6';

describe('SimReader', () => {
  let broker: TestBroker | undefined;
  const readers: SimReader[] = [];
  const clients: MqttClient[] = [];

  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()));
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.close();
    broker = undefined;
  });

  async function setup(options: Partial<SimReaderOptions> = {}) {
    broker = await startTestBroker({ passwords });
    const { client, inbox } = await connectController(broker);
    clients.push(client);
    const reader = new SimReader({ brokerUrl: broker.url, site: SITE, deviceId: READER.id, secret: READER.secret, ...options });
    readers.push(reader);
    await reader.start();
    const sent = (kind: string): Received[] => inbox.filter((m) => m.topic === uplinkTopic(SITE, READER.id, kind as 'door'));
    const send = (kind: 'access' | 'allowlist' | 'door_cmd', body: object) =>
      client.publishAsync(downlinkTopic(SITE, READER.id, kind), JSON.stringify(body), { qos: 1 });
    return { client, reader, sent, send };
  }

  /** Plays the controller: answers every badge with `grant`. */
  function answerBadges(client: MqttClient, clock: Clock, grant: boolean): void {
    client.on('message', (topic, payload) => {
      if (parseTopic(topic)?.direction !== 'up' || !topic.endsWith('/badge')) return;
      const badge = JSON.parse(payload.toString()) as { bootId: string; seq: number };
      const answer: AccessDownlink = {
        ...command(clock.now(), 5_000), inReplyTo: { bootId: badge.bootId, seq: badge.seq },
        grant, reason: grant ? 'granted' : 'not_allowed', unlockMs: grant ? 5_000 : 0,
      };
      client.publish(downlinkTopic(SITE, READER.id, 'access'), JSON.stringify(answer), { qos: 1 });
    });
  }

  it('badge: the controller grants, presentBadge resolves with its decision and the door opens without alarm', async () => {
    const { client, reader, sent } = await setup();
    answerBadges(client, { now: () => Date.now() } as Clock, true);
    const decision = await reader.presentBadge(UID, '1234');
    expect(decision).toMatchObject({
      source: 'controller', grant: true, reason: 'granted', unlockMs: 5_000,
      badge: { uid: UID, pin: '1234', seq: 0 }, command: { inReplyTo: { bootId: reader.bootId, seq: 0 } },
    });
    expect(sent('badge')[0]!.json).toMatchObject({ uid: UID, pin: '1234', seq: 0 });
    expect(sent('badge')[0]!.json).not.toHaveProperty('offline');
    expect(reader.lock).toMatchObject({ locked: false, cause: 'grant' });

    expect((await reader.openDoor())?.state).toBe('open');
    expect((await reader.closeDoor())?.state).toBe('closed');
    expect(reader.lock.locked).toBe(true); // one grant, one passage
    await until(() => sent('door').length === 2, 'the door uplinks');
    expect(sent('door').map((m) => m.json.state)).toEqual(['open', 'closed']);
  });

  it('badge: a deny resolves too and leaves the door locked', async () => {
    const { client, reader } = await setup();
    answerBadges(client, { now: () => Date.now() } as Clock, false);
    expect(await reader.presentBadge(UID)).toMatchObject({ source: 'controller', grant: false, reason: 'not_allowed', unlockMs: 0 });
    expect(reader.lock.locked).toBe(true);
  });

  it('badge: no answer within decisionTimeoutMs, the reader decides alone; a late answer does not open the door', async () => {
    const clock = new ManualClock();
    const { reader, sent, send } = await setup({ clock, decisionTimeoutMs: 3_000 });
    const pending = reader.presentBadge(UID);
    await until(() => sent('badge').length === 1, 'the badge');
    clock.advance(2_999);
    await settle(20);
    expect(reader.controllerReachable).toBe(true);
    clock.advance(1);
    expect(await pending).toMatchObject({ source: 'offline', grant: false, reason: 'list_stale' }); // no list held
    expect(reader.controllerReachable).toBe(false);

    const ignored = nextEvent(reader, 'ignored');
    await send('access', { ...command(clock.now()), inReplyTo: { bootId: reader.bootId, seq: 0 }, grant: true, reason: 'granted', unlockMs: 5_000 });
    expect(await ignored).toMatchObject({ kind: 'access', reason: 'unmatched' });
    expect(reader.lock.locked).toBe(true);
    expect(reader.controllerReachable).toBe(true); // late, but the controller is there
  });

  it('door: opened without a grant is forced, held after heldOpenLimitS, and the exit button releases it', async () => {
    const clock = new ManualClock();
    const { reader, sent } = await setup({ clock, heldOpenLimitS: 15, rexUnlockMs: 5_000 });
    expect((await reader.openDoor())?.state).toBe('forced');
    clock.advance(14_999);
    await until(() => sent('door').length === 1, 'the forced event');
    await settle(50);
    expect(sent('door').map((m) => m.json.state)).toEqual(['forced']);
    clock.advance(1);
    await until(() => sent('door').length === 2, 'the held alarm');
    expect(sent('door')[1]!.json).toMatchObject({ state: 'held', ts: clock.now() });
    await reader.closeDoor();

    await reader.pressExit();
    expect(reader.lock).toMatchObject({ locked: false, cause: 'rex' });
    expect((await reader.openDoor())?.state).toBe('open');
    clock.advance(10_000); // closed before the limit: no held alarm
    await reader.closeDoor();
    expect(reader.lock.locked).toBe(true);

    await reader.pressExit();
    const relocked = nextEvent(reader, 'lock');
    clock.advance(5_000); // the release runs out unused
    expect(await relocked).toMatchObject({ locked: true });
    expect((await reader.openDoor())?.state).toBe('forced');
    await reader.closeDoor();

    await until(() => sent('rex').length === 2 && sent('door').length === 7, 'the rex and door uplinks');
    expect(sent('door').map((m) => m.json.state)).toEqual(['forced', 'held', 'closed', 'open', 'closed', 'forced', 'closed']);
    expect(clock.pending).toBeGreaterThan(0);
    await reader.stop();
    expect(clock.pending).toBe(0);
  });

  it('door_cmd: lock beats a badge grant but not the exit button; normal restores', async () => {
    const clock = new ManualClock();
    const { reader, send } = await setup({ clock });
    const acked = () => nextEvent(reader, 'downlink');
    let done = acked();
    await send('door_cmd', { ...command(clock.now()), action: 'lock' });
    await done;
    expect(reader.lock).toMatchObject({ locked: true, override: 'locked' });
    await reader.pressExit();
    expect(reader.lock).toMatchObject({ locked: false, cause: 'rex' });
    clock.advance(5_000);
    done = acked();
    await send('door_cmd', { ...command(clock.now()), action: 'normal' });
    await done;
    expect(reader.lock).toMatchObject({ locked: true, override: null });
  });

  it('allow-list: a full list replaces, a delta applies on its base version, any other delta is ignored and counted', async () => {
    const clock = new ManualClock();
    const { reader, sent, send } = await setup({ clock });
    const entry = (uid: string) => ({ uid, intervals: [[clock.now(), clock.now() + 86_400_000]] });
    const list = (body: object) => ({
      ...command(clock.now()), upsert: [], remove: [], maxStalenessS: 86_400, horizonUntil: clock.now() + 86_400_000, doorUnlocked: [], ...body,
    });

    await send('allowlist', list({ mode: 'full', version: 7, upsert: [entry('AAAAAAAA'), entry('BBBBBBBB')] }));
    await until(() => reader.allowlist?.version === 7, 'version 7');
    expect(reader.allowlist).toMatchObject({ version: 7, appliedAt: clock.now(), horizonUntil: clock.now() + 86_400_000, doorUnlocked: [] });
    clock.advance(1_000);
    // remove, then upsert: a UID in both is kept, with its new entry
    const renewed = { uid: 'BBBBBBBB', intervals: [[clock.now(), clock.now() + 1]] };
    await send('allowlist', list({ mode: 'delta', version: 8, baseVersion: 7, upsert: [entry('CCCCCCCC'), renewed], remove: ['AAAAAAAA', 'BBBBBBBB'] }));
    await until(() => reader.allowlist?.version === 8, 'version 8');
    expect([...reader.allowlist!.entries.keys()].sort()).toEqual(['BBBBBBBB', 'CCCCCCCC']);
    expect(reader.allowlist!.entries.get('BBBBBBBB')).toEqual(renewed);
    expect(reader.allowlist!.appliedAt).toBe(clock.now());

    await send('allowlist', list({ mode: 'delta', version: 10, baseVersion: 9, upsert: [entry('DDDDDDDD')] }));
    await until(() => sent('ack').length === 3, 'three acks');
    expect(sent('ack').map((m) => m.json.result)).toEqual(['done', 'done', 'rejected']);
    expect(sent('ack')[2]!.json.detail).toBe('base version mismatch: have 8, delta applies on 9');
    expect(reader.allowlist).toMatchObject({ version: 8, maxStalenessS: 86_400 });
    expect(reader.allowlist!.entries.has('DDDDDDDD')).toBe(false);
    expect(reader.stats.ignored).toEqual({ stale_base: 1 });

    await send('allowlist', list({ mode: 'full', version: 2, upsert: [entry('EEEEEEEE')] }));
    await until(() => reader.allowlist?.version === 2, 'a full list of any version');
    expect([...reader.allowlist!.entries.keys()]).toEqual(['EEEEEEEE']);
  });

  it('heartbeat: carries the version of the allow-list held, once there is one', async () => {
    const clock = new ManualClock();
    const { reader, send } = await setup({ clock });
    expect(await reader.heartbeat()).not.toHaveProperty('allowlistVersion');
    await send('allowlist', {
      ...command(clock.now()), mode: 'full', version: 12, upsert: [], remove: [], maxStalenessS: 60, horizonUntil: clock.now() + 60_000, doorUnlocked: [],
    });
    await until(() => reader.allowlist?.version === 12, 'version 12');
    expect(await reader.heartbeat()).toMatchObject({ allowlistVersion: 12 });
    clock.advance(30_000); // the timer's heartbeats too
    await until(() => broker!.published.filter((p) => p.topic.endsWith('/up/heartbeat')).length === 3, 'the timed heartbeat');
    const last = JSON.parse(broker!.published.filter((p) => p.topic.endsWith('/up/heartbeat'))[2]!.payload) as Record<string, unknown>;
    expect(last).toMatchObject({ allowlistVersion: 12, uptimeS: 30 });
  });
});
