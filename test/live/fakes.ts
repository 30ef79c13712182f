import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, vi } from 'vitest';
import { pino } from 'pino';
import { loadBuilding, DEFAULT_BUILDING_FILE } from '../../controller/building/load.js';
import { LiveHub, type HubOptions, type LiveSources } from '../../controller/live/hub.js';
import type { LiveSocket } from '../../controller/live/client.js';
import type { StaffDelta, StaffMessage } from '../../controller/live/messages.js';

export const building = loadBuilding(DEFAULT_BUILDING_FILE);

/** A WebSocket as the hub sees it: frames kept, buffered bytes set by the test, close acted out. */
export class FakeSocket extends EventEmitter implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;
  pings = 0;

  send(data: Buffer, options: { binary: false }): void {
    if (options.binary !== false) throw new Error('frames are text');
    this.sent.push(data.toString('utf8'));
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }
  /** The peer answered the close. */
  finishClose(): void {
    this.readyState = 3;
    this.emit('close');
  }
  terminate(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
  ping(): void {
    this.pings += 1;
  }
  frames<T = StaffMessage>(): T[] {
    return this.sent.map((s) => JSON.parse(s) as T);
  }
}

/** A hub over the real building file, paced by Date.now (faked by vi.useFakeTimers). */
const madeHubs: LiveHub[] = [];

/** A hub on the (fake) clock; `fakeTimersForHubs` stops it after the test. */
export function makeHub(options: Partial<HubOptions> = {}, sources?: LiveSources): LiveHub {
  const hub = new LiveHub({
    building, clock: () => Date.now(), monotonic: () => Date.now(), logger: pino({ level: 'silent' }), options,
    ...(sources === undefined ? {} : { sources }),
  });
  madeHubs.push(hub);
  return hub;
}

/** Fake timers from `now` for every test of the file, and every hub a test made stopped after it. */
export function fakeTimersForHubs(now: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ now });
  });
  afterEach(async () => {
    const stopping = madeHubs.splice(0).map((h) => h.stop());
    await vi.runAllTimersAsync();
    await Promise.all(stopping);
    vi.useRealTimers();
  });
}

export function connect(h: LiveHub, authorized?: () => boolean): FakeSocket {
  const socket = new FakeSocket();
  h.addClient(socket, 'staff', authorized);
  return socket;
}

export const deltas = (s: FakeSocket) => s.frames<StaffMessage>().filter((f): f is StaffDelta => f.type === 'delta');
export const decision = (id: number, personId: number | null = 7) =>
  ({ type: 'decision', id, at: Date.now(), doorId: 'coworking', grant: true, reason: 'granted', personId, source: 'controller' }) as const;
