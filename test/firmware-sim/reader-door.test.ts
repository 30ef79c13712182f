import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../firmware-sim/events.js';
import type { SimReader } from '../../firmware-sim/reader.js';
import { nextEvent, settle, until } from './harness.js';
import { DAY, entry, HOUR, useReaderRig } from './reader-rig.js';

const ALICE = '04A1B2C3D4E5F6';
const MALLORY = 'DEADBEEF';
const BACK_MS = 60_000; // reconnect delay of the readers that come back in these tests

/** Door events of the reader from now on. */
function doorStates(reader: SimReader): string[] {
  const states: string[] = [];
  reader.on('event', (e: SimEvent) => { if (e.type === 'door') states.push(e.state); });
  return states;
}

describe('SimReader door without the controller: fail modes, egress, unlocked intervals', () => {
  const setup = useReaderRig();
  const comesBack = { reconnect: { baseMs: BACK_MS, maxMs: BACK_MS, random: () => 1 } };

  it('fail-secure: stays locked while offline (opening it is forced) except for an offline grant', async () => {
    const rig = await setup({ failMode: 'fail-secure' });
    await rig.sendList({ version: 1, upsert: [entry(ALICE, [[rig.clock.now(), rig.clock.now() + DAY]])] });
    const states = doorStates(rig.reader);
    await rig.cut();
    expect(rig.reader.lock).toMatchObject({ locked: true, cause: null });
    void rig.reader.openDoor().catch(() => {});
    void rig.reader.closeDoor().catch(() => {});
    expect((await rig.reader.presentBadge(ALICE)).grant).toBe(true);
    void rig.reader.openDoor().catch(() => {});
    void rig.reader.closeDoor().catch(() => {});
    expect(states).toEqual(['forced', 'closed', 'open', 'closed']);
    expect(rig.reader.lock.locked).toBe(true); // one grant, one passage
  });

  it('fail-safe: released while the link is down (opening is not forced), locked again once it is back', async () => {
    const rig = await setup({ failMode: 'fail-safe', ...comesBack });
    expect(rig.reader.lock).toMatchObject({ locked: true });
    const released = nextEvent(rig.reader, 'lock');
    await rig.cut();
    expect(await released).toEqual({ type: 'lock', locked: false, until: null });
    expect(rig.reader.lock).toMatchObject({ locked: false, cause: 'fail-safe' });
    const states = doorStates(rig.reader);
    void rig.reader.openDoor().catch(() => {});
    void rig.reader.closeDoor().catch(() => {});
    expect(states).toEqual(['open', 'closed']);
    expect(rig.reader.lock).toMatchObject({ locked: false, cause: 'fail-safe' }); // closing does not relock a fail-safe door

    const relocked = nextEvent(rig.reader, 'lock');
    rig.clock.advance(BACK_MS);
    expect(await relocked).toMatchObject({ locked: true });
    expect(rig.reader.online).toBe(true);
    // what happened meanwhile reaches the controller
    await until(() => rig.accepted('door').length === 2, 'the door uplinks');
    expect(rig.accepted('door').map((d) => d.state)).toEqual(['open', 'closed']);
  });

  it('fail-safe: released when the controller goes silent, locked again when it is heard from', async () => {
    const rig = await setup({ failMode: 'fail-safe', decisionTimeoutMs: 1_000 });
    const pending = rig.reader.presentBadge(MALLORY);
    rig.clock.advance(1_000);
    expect(await pending).toMatchObject({ source: 'offline', reason: 'list_stale' });
    expect(rig.reader.lock).toMatchObject({ locked: false, cause: 'fail-safe' });
    await rig.send('door_cmd', { action: 'normal' });
    expect(rig.reader.controllerReachable).toBe(true);
    expect(rig.reader.lock).toMatchObject({ locked: true });
  });

  it('egress: the exit button opens online, offline, with a stale list and under a lock command', async () => {
    const rig = await setup({ failMode: 'fail-secure', rexUnlockMs: 5_000 });
    const states = doorStates(rig.reader);
    const exit = async (): Promise<void> => {
      void rig.reader.pressExit().catch(() => {});
      expect(rig.reader.lock).toMatchObject({ locked: false, cause: 'rex' });
      void rig.reader.openDoor().catch(() => {});
      void rig.reader.closeDoor().catch(() => {});
    };
    await exit(); // online
    await rig.sendList({ version: 1, maxStalenessS: 60, upsert: [] });
    await rig.send('door_cmd', { action: 'lock' });
    await exit(); // under a lock command
    await rig.cut();
    await exit(); // offline
    rig.clock.advance(2 * DAY);
    expect(await rig.reader.presentBadge(ALICE)).toMatchObject({ reason: 'door_locked' });
    await exit(); // offline, list long stale, still locked by command
    expect(states).toEqual(['open', 'closed', 'open', 'closed', 'open', 'closed', 'open', 'closed']);
  });

  it('doorUnlocked: the door is unlocked for everyone inside an interval, online and offline, with no held alarm', async () => {
    const rig = await setup({ failMode: 'fail-secure', heldOpenLimitS: 30 });
    const { reader, clock } = rig;
    const from = clock.now() + HOUR;
    const to = from + 2 * HOUR;
    await rig.sendList({ version: 2, doorUnlocked: [[from, to]], upsert: [entry(ALICE, [[from + 5 * HOUR, from + 6 * HOUR]])] });
    expect(reader.lock.locked).toBe(true);

    const unlocked = nextEvent(reader, 'lock');
    clock.advance(HOUR);
    expect(await unlocked).toEqual({ type: 'lock', locked: false, until: to });
    expect(reader.lock).toMatchObject({ cause: 'schedule' });
    const states = doorStates(reader);
    void reader.openDoor().catch(() => {});
    clock.advance(60_000); // twice the held-open limit
    void reader.closeDoor().catch(() => {});

    await rig.cut();
    expect(reader.lock).toMatchObject({ locked: false, cause: 'schedule' });
    // offline, an unknown badge is still denied, but the door opens without being forced
    expect(await reader.presentBadge(MALLORY)).toMatchObject({ grant: false, reason: 'unknown_credential' });
    // a listed badge outside its own intervals is granted while the door is unlocked anyway
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: true, reason: 'granted' });
    void reader.openDoor().catch(() => {});
    void reader.closeDoor().catch(() => {});
    expect(states).toEqual(['open', 'closed', 'open', 'closed']);

    const relocked = nextEvent(reader, 'lock');
    clock.advance(to - clock.now());
    expect(await relocked).toMatchObject({ locked: true });
    expect(await reader.presentBadge(ALICE)).toMatchObject({ grant: false, reason: 'outside_schedule' });
  });

  it('doorUnlocked: a stale list unlocks nothing, and a lock command beats the interval', async () => {
    const rig = await setup({ failMode: 'fail-secure' });
    const { reader, clock } = rig;
    await rig.sendList({ version: 3, maxStalenessS: 3_600, doorUnlocked: [[clock.now(), clock.now() + 10 * HOUR]], upsert: [] });
    expect(reader.lock).toMatchObject({ locked: false, cause: 'schedule', until: clock.now() + 10 * HOUR });
    await rig.send('door_cmd', { action: 'lock', durationMs: 60_000 });
    expect(reader.lock).toMatchObject({ locked: true, override: 'locked' });
    clock.advance(60_000);
    expect(reader.lock).toMatchObject({ locked: false, cause: 'schedule' });

    await rig.cut();
    const relocked = nextEvent(reader, 'lock');
    clock.advance(HOUR); // exactly maxStalenessS: still trusted
    await settle(20);
    expect(reader.lock.locked).toBe(false);
    clock.advance(1);
    expect(await relocked).toMatchObject({ locked: true });
  });
});
