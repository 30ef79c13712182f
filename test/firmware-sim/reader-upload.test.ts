import { describe, expect, it } from 'vitest';
import { parseUplink } from '../../gateway/protocol/index.js';
import { nextEvent, settle, until, type TestBrokerOptions } from './harness.js';
import { DAY, entry, useReaderRig } from './reader-rig.js';

const ALICE = '04A1B2C3D4E5F6';
const MALLORY = 'DEADBEEF';
const BACK_MS = 60_000; // reconnect delay of the reader in these tests

interface Badge { bootId: string; seq: number; ts: number; uid: string; offline?: { grant: boolean; reason: string; listVersion: number } }

describe('SimReader offline decisions reach the controller, once each', () => {
  const setup = useReaderRig();
  const comesBack = { reconnect: { baseMs: BACK_MS, maxMs: BACK_MS, random: () => 1 } };

  /** A reader holding list 9, cut from the broker, that decided three badges alone a second apart (and saw an exit between). */
  async function decidedOffline(brokerOptions: Partial<TestBrokerOptions> = {}) {
    const rig = await setup(comesBack, brokerOptions);
    const { reader, clock } = rig;
    await rig.sendList({ version: 9, upsert: [entry(ALICE, [[clock.now(), clock.now() + DAY]])] });
    await rig.cut();
    const before = reader.buffered; // the list's ack, if its PUBACK had not come back yet
    const times: number[] = [];
    const decisions = [];
    for (const uid of [ALICE, MALLORY, ALICE]) {
      times.push(clock.now());
      decisions.push(await reader.presentBadge(uid));
      if (uid === MALLORY) void reader.pressExit().catch(() => {});
      clock.advance(1_000);
    }
    expect(decisions.map((d) => [d.source, d.grant, d.badge.seq])).toEqual([['offline', true, 1], ['offline', false, 2], ['offline', true, 4]]);
    expect(reader.buffered).toBe(before + 4); // three badges and the rex, nothing sent yet
    return { ...rig, times };
  }

  it('uploads the buffered decisions in order after reconnecting, with the offline block and their own time', async () => {
    const rig = await decidedOffline();
    expect(rig.accepted('badge')).toHaveLength(0);
    const back = nextEvent(rig.reader, 'connected');
    rig.clock.advance(BACK_MS);
    await back;
    await until(() => rig.accepted('badge').length === 3 && rig.accepted('rex').length === 1, 'the backlog at the broker');
    await until(() => rig.reader.buffered === 0, 'the outbox empty');

    const badges = rig.accepted('badge') as unknown as Badge[];
    expect(badges.map((b) => [b.seq, b.ts, b.uid, b.offline])).toEqual([
      [1, rig.times[0], ALICE, { grant: true, reason: 'granted', listVersion: 9 }],
      [2, rig.times[1], MALLORY, { grant: false, reason: 'unknown_credential', listVersion: 9 }],
      [4, rig.times[2], ALICE, { grant: true, reason: 'granted', listVersion: 9 }],
    ]);
    expect(badges.every((b) => b.bootId === rig.reader.bootId)).toBe(true);
    // the whole backlog in seq order, the exit in its place; every uplink valid
    const uplinks = rig.broker.published.filter((p) => /\/up\/(badge|rex)$/.test(p.topic));
    expect(uplinks.map((p) => (JSON.parse(p.payload) as Badge).seq)).toEqual([1, 2, 3, 4]);
    expect(uplinks.every((p) => parseUplink(p.topic.endsWith('rex') ? 'rex' : 'badge', p.payload).ok)).toBe(true);
    // the controller answers nothing to an offline decision, and none is waited for
    await settle(50);
    expect(rig.reader.controllerReachable).toBe(true);
  });

  it('a reconnect in the middle of the upload resends the same bytes: same (bootId, seq), stored once', async () => {
    let hold = false;
    const attempts: string[] = [];
    const rig = await decidedOffline({
      // like the gateway's group commit, the PUBACK waits; held ones never get it
      authorizePublish: (_client, packet, callback) => {
        if (!packet.topic.endsWith('/up/badge')) return callback(null);
        attempts.push(Buffer.from(packet.payload).toString());
        if (!hold) callback(null);
      },
    });
    hold = true;
    rig.clock.advance(BACK_MS);
    await until(() => attempts.length >= 1, 'the upload started');
    await settle(50);
    const firstRound = attempts.length;
    expect(rig.accepted('badge')).toHaveLength(0); // none acknowledged

    hold = false;
    await rig.cut(); // mid-flush
    expect(rig.reader.buffered).toBeGreaterThanOrEqual(3); // unacknowledged uplinks back in the outbox (the rex too if it queued behind)
    rig.clock.advance(BACK_MS);
    await until(() => rig.accepted('badge').length === 3, 'the three decisions stored');
    await until(() => rig.reader.buffered === 0, 'the outbox empty');

    const key = (payload: string): string => { const b = JSON.parse(payload) as Badge; return `${b.bootId}/${b.seq}`; };
    // every resend of a (bootId, seq) is byte for byte the first send
    const firstBytes = new Map<string, string>();
    for (const a of attempts) {
      const k = key(a);
      if (!firstBytes.has(k)) firstBytes.set(k, a);
      expect(a).toBe(firstBytes.get(k));
    }
    expect(attempts.length).toBe(firstRound + 3);
    expect(attempts.slice(firstRound).map(key)).toEqual([...firstBytes.keys()]);
    // deduplicated by (device, boot, seq): exactly the three decisions, in order
    expect([...firstBytes.keys()]).toEqual([1, 2, 4].map((seq) => `${rig.reader.bootId}/${seq}`));
    expect(rig.accepted('badge').map((b) => b.seq)).toEqual([1, 2, 4]);
    expect(rig.accepted('badge').every((b) => (b as unknown as Badge).offline !== undefined)).toBe(true);
  });
});
