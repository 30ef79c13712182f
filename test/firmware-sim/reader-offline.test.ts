import { describe, expect, it } from 'vitest';
import { downlinkTopic, parseUplink } from '../../gateway/protocol/index.js';
import { pinHash } from '../../firmware-sim/allowlist.js';
import { command, nextEvent, SITE, settle, until } from './harness.js';
import { DAY, entry, HOUR, READER, useReaderRig } from './reader-rig.js';

const ALICE = '04A1B2C3D4E5F6'; // listed, at all times of the list
const BOB = '0A1B2C3D'; // listed with a PIN
const CAROL = '04C0FFEE123456'; // listed, only from tomorrow
const MALLORY = 'DEADBEEF'; // not listed

describe('SimReader offline: deciding alone from the allow-list', () => {
  const setup = useReaderRig();

  /** A reader holding list version 3, then cut from the broker. */
  async function offlineReader(options: Parameters<typeof setup>[0] = {}, list: { maxStalenessS?: number; horizonUntil?: number } = {}) {
    const rig = await setup(options);
    const now = rig.clock.now();
    await rig.sendList({
      version: 3, ...list,
      upsert: [entry(ALICE, [[now - HOUR, now + 7 * DAY]]), entry(BOB, [[now - HOUR, now + 7 * DAY]], pinHash(BOB, '4821')), entry(CAROL, [[now + DAY, now + 2 * DAY]])],
    });
    await rig.cut();
    expect(rig.reader.online).toBe(false);
    expect(rig.reader.controllerReachable).toBe(false);
    return rig;
  }

  it('grants a listed badge inside its interval at once, releases the lock, and buffers the decision', async () => {
    const { reader, clock } = await offlineReader();
    const buffered = reader.buffered;
    const decision = await reader.presentBadge(ALICE);
    expect(decision).toMatchObject({ source: 'offline', grant: true, reason: 'granted', unlockMs: 5_000 });
    expect(decision.command).toBeUndefined();
    expect(decision.badge).toMatchObject({ uid: ALICE, ts: clock.now(), offline: { grant: true, reason: 'granted', listVersion: 3 } });
    expect(parseUplink('badge', JSON.stringify(decision.badge)).ok).toBe(true);
    expect(reader.lock).toMatchObject({ locked: false, cause: 'grant', until: clock.now() + 5_000 });
    expect(reader.buffered).toBe(buffered + 1);
    const door = nextEvent(reader, 'door');
    void reader.openDoor().catch(() => {}); // buffered until the link is back
    expect(await door).toMatchObject({ state: 'open' }); // not forced
  });

  it('denies an unknown badge, one outside its intervals, a missing or wrong PIN; grants the right PIN', async () => {
    const { reader } = await offlineReader();
    const reasons = [];
    for (const [uid, pin] of [[MALLORY], [CAROL], [BOB], [BOB, '0000'], [BOB, '4821']] as [string, string?][]) {
      const d = await reader.presentBadge(uid, pin);
      reasons.push([d.grant, d.reason, d.unlockMs]);
    }
    expect(reasons).toEqual([
      [false, 'unknown_credential', 0], [false, 'outside_schedule', 0], [false, 'pin_required', 0], [false, 'wrong_pin', 0], [true, 'granted', 5_000],
    ]);
  });

  it('an offline badge never carries the PIN typed', async () => {
    const { reader } = await offlineReader();
    const d = await reader.presentBadge(BOB, '4821');
    expect(d.badge).not.toHaveProperty('pin');
  });

  it('grants again inside a later interval: CAROL tomorrow (the reader only compares its clock)', async () => {
    const { reader, clock } = await offlineReader({}, { maxStalenessS: 2 * 86_400 });
    clock.advance(DAY);
    expect(await reader.presentBadge(CAROL)).toMatchObject({ grant: true, reason: 'granted' });
  });

  it('list_stale: maxStalenessS after losing the controller, not before', async () => {
    const { reader, clock } = await offlineReader();
    clock.advance(DAY); // exactly maxStalenessS: still fresh
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: true, reason: 'granted' });
    clock.advance(1);
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'list_stale', unlockMs: 0 });
    expect(await reader.presentBadge(MALLORY)).toMatchObject({ grant: false, reason: 'list_stale' }); // a stale list does not know who is unknown
  });

  it('list_stale: the reader option maxStalenessS overrides the list', async () => {
    const { reader, clock } = await offlineReader({ maxStalenessS: 600 });
    clock.advance(600_000);
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: true });
    clock.advance(1);
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'list_stale' });
  });

  it('list_stale: past horizonUntil the list says nothing, however recent', async () => {
    const rig = await setup();
    const horizonUntil = rig.clock.now() + HOUR;
    await rig.sendList({ version: 4, horizonUntil, upsert: [entry(ALICE, [[rig.clock.now(), rig.clock.now() + 7 * DAY]])] });
    rig.clock.advance(HOUR - 1);
    await rig.cut();
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ grant: true });
    rig.clock.advance(1);
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'list_stale', badge: { offline: { listVersion: 4 } } });
  });

  it('list_stale: a reader that never received a list denies, and reports list version 0', async () => {
    const rig = await setup();
    await rig.cut();
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'list_stale', badge: { offline: { grant: false, listVersion: 0 } } });
  });

  it('door_locked: a lock command in force denies even a listed badge, and keeps the lock closed', async () => {
    const rig = await setup();
    await rig.sendList({ version: 5, upsert: [entry(ALICE, [[rig.clock.now(), rig.clock.now() + DAY]])] });
    await rig.send('door_cmd', { action: 'lock', durationMs: HOUR });
    await rig.cut();
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'door_locked' });
    expect(rig.reader.lock).toMatchObject({ locked: true, override: 'locked' });
    rig.clock.advance(HOUR); // the lock ran out
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ grant: true, reason: 'granted' });
  });

  it('controller silent: the broker is up, no answer within decisionTimeoutMs, the reader decides and reports it', async () => {
    const rig = await setup({ decisionTimeoutMs: 1_000 });
    const { reader, clock, sent } = rig;
    await rig.sendList({ version: 6, upsert: [entry(ALICE, [[clock.now(), clock.now() + DAY]])] });
    const t0 = clock.now();
    const pending = reader.presentBadge(ALICE);
    await until(() => sent('badge').length === 1, 'the badge sent to the controller');
    clock.advance(999);
    await settle(20);
    expect(reader.lock.locked).toBe(true);
    clock.advance(1);
    const decision = await pending;
    expect(decision).toMatchObject({ source: 'offline', grant: true, reason: 'granted' });
    expect(reader.lock).toMatchObject({ locked: false, cause: 'grant' });
    expect(reader.controllerReachable).toBe(false);

    // Both go to the controller: the badge it did not answer, then the decision, with the badge's time and uid.
    await until(() => sent('badge').length === 2, 'the offline decision');
    const [asked, decided] = sent('badge').map((m) => m.json);
    expect(asked).toMatchObject({ seq: 1, ts: t0, uid: ALICE });
    expect(asked).not.toHaveProperty('offline');
    expect(decided).toMatchObject({ seq: 2, ts: t0, uid: ALICE, bootId: reader.bootId, offline: { grant: true, reason: 'granted', listVersion: 6 } });

    // The next badge tries the controller again first.
    const next = reader.presentBadge(ALICE);
    await until(() => sent('badge').length === 3, 'the next badge');
    expect(sent('badge')[2]!.json).not.toHaveProperty('offline');
    await rig.client.publishAsync(downlinkTopic(SITE, READER.id, 'access'), JSON.stringify({
      ...command(clock.now()), inReplyTo: { bootId: reader.bootId, seq: 3 }, grant: false, reason: 'blocked', unlockMs: 0,
    }), { qos: 1 });
    expect(await next).toMatchObject({ source: 'controller', grant: false, reason: 'blocked' });
    expect(reader.controllerReachable).toBe(true);
  });

  it('link lost while waiting for the answer: the reader decides at once', async () => {
    const rig = await setup({ decisionTimeoutMs: 60_000 });
    await rig.sendList({ version: 7, upsert: [entry(ALICE, [[rig.clock.now(), rig.clock.now() + DAY]])] });
    const pending = rig.reader.presentBadge(ALICE);
    await until(() => rig.sent('badge').length === 1, 'the badge');
    await rig.cut();
    expect(await pending).toMatchObject({ source: 'offline', grant: true, badge: { seq: 2 } });
  });
});
