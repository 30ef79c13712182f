import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/clock.js';
import { LinkCut } from '../../firmware-sim/demo/link-cut.js';
import { DEMO_MARKER, prepareDataDir } from '../../firmware-sim/demo/product.js';
import { ScenarioClock } from '../../firmware-sim/demo/scenario-clock.js';
import { localTimeToday } from '../../firmware-sim/demo/seed.js';

describe('demo parts: scenario clock, data folder, local time, link cut', () => {
  it('the scenario clock runs the day `speed` times faster and clears every timer at stop', async () => {
    const base = new ManualClock(0);
    const clock = new ScenarioClock(8 * 3600, 120, base);
    const fired: number[] = [];
    clock.start();
    clock.at(8 * 3600 + 60, () => fired.push(clock.now())); // one simulated minute: 0.5 s real
    clock.at(9 * 3600, () => fired.push(clock.now())); // an hour: 30 s real
    base.advance(499);
    expect(fired).toEqual([]);
    base.advance(1);
    expect(fired).toEqual([8 * 3600 + 60]);
    const slept = clock.sleep(10_000);
    clock.stop();
    await slept; // woken by stop()
    base.advance(60_000);
    expect(fired).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(base.pending).toBe(0);
    expect(() => new ScenarioClock(0, 0)).toThrow(RangeError);
  });

  describe('the data folder: fresh at every run, and only ever the demo\'s own deleted', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'mf-demo-dir-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('creates a missing folder with its marker, then empties it at the next run', () => {
      const dir = join(root, 'data-demo');
      expect(prepareDataDir(dir)).toEqual({ path: dir, was: 'created' });
      writeFileSync(join(dir, 'controller.db'), 'old');
      expect(prepareDataDir(dir).was).toBe('reset');
      expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
    });

    it('adopts an empty folder, and refuses a folder it did not make without touching it', () => {
      const empty = join(root, 'empty');
      mkdirSync(empty);
      expect(prepareDataDir(empty).was).toBe('adopted');
      const mine = join(root, 'production-data');
      mkdirSync(mine);
      writeFileSync(join(mine, 'controller.db'), 'precious');
      expect(() => prepareDataDir(mine)).toThrow(/left alone/);
      expect(readdirSync(mine)).toEqual(['controller.db']);
      expect(existsSync(join(mine, DEMO_MARKER))).toBe(false);
    });
  });

  it('dates a local time of day in the building\'s time zone, summer and winter', () => {
    const summer = Date.UTC(2025, 6, 15, 20, 0); // 22:00 in Paris
    expect(new Date(localTimeToday(summer, 'Europe/Paris', 9 * 3600)).toISOString()).toBe('2025-07-15T07:00:00.000Z');
    const winter = Date.UTC(2025, 0, 15, 23, 30); // already the 16th in Paris
    expect(new Date(localTimeToday(winter, 'Europe/Paris', 13.5 * 3600)).toISOString()).toBe('2025-01-16T12:30:00.000Z');
  });

  describe('a link cut between a device and the broker', () => {
    let echo: Server;
    let port: number;
    beforeAll(async () => {
      echo = createServer((s) => s.pipe(s));
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
      port = (echo.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((r) => echo.close(r));
    });
    const open = (url: string): Promise<Socket> => new Promise((resolve, reject) => {
      const { port: p } = new URL(url);
      const s = connect(Number(p), '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const roundTrip = (s: Socket, text: string): Promise<string> => new Promise((resolve) => {
      s.once('data', (d) => resolve(d.toString()));
      s.write(text);
    });
    const closed = (s: Socket): Promise<void> => new Promise((resolve) => {
      if (s.destroyed) resolve();
      else s.once('close', () => resolve());
    });

    it('relays, drops every connection when cut, refuses new ones until restored', async () => {
      const link = new LinkCut(`mqtt://127.0.0.1:${port}`);
      const url = await link.start();
      try {
        const a = await open(url);
        expect(await roundTrip(a, 'hello')).toBe('hello');
        link.cut();
        await closed(a);
        const b = await open(url).catch(() => null);
        if (b !== null) await closed(b); // accepted by the kernel, closed at once
        link.restore();
        const c = await open(url);
        expect(await roundTrip(c, 'again')).toBe('again');
        c.destroy();
      } finally {
        await link.stop();
      }
    });
  });
});
