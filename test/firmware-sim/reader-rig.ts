import type { MqttClient } from 'mqtt';
import { afterEach } from 'vitest';
import { downlinkTopic, uplinkTopic, type AllowlistEntry, type UplinkKind } from '../../gateway/protocol/index.js';
import { ManualClock } from '../../firmware-sim/clock.js';
import { SimReader, type SimReaderOptions } from '../../firmware-sim/reader.js';
import { command, connectController, nextEvent, SITE, startTestBroker, until, type Received, type TestBroker, type TestBrokerOptions } from './harness.js';

/**
 * A reader on a real aedes broker over TCP, a test client playing the (silent) controller, and a
 * manual clock: what the offline tests of the reader share. Registers its own cleanup.
 */

export const READER = { id: 'rdr-sim-1', secret: 'rdr-sim-1-secret' };
export const HOUR = 3_600_000; // 1 hour in ms
export const DAY = 24 * HOUR;

/** The reconnect delay of a rig's reader: long enough that a test decides when it comes back. */
export const RECONNECT_MS = 2 ** 31 - 1; // ~24.8 days of the manual clock

export interface Rig {
  broker: TestBroker;
  client: MqttClient;
  clock: ManualClock;
  reader: SimReader;
  /** Uplinks of the reader of that kind, as the controller received them. */
  sent: (kind: UplinkKind) => Received[];
  /** Uplinks of the reader of that kind, as the broker accepted them (payload parsed). */
  accepted: (kind: UplinkKind) => Record<string, unknown>[];
  /** Publishes a downlink and waits until the reader applied or refused it. */
  send: (kind: 'access' | 'allowlist' | 'door_cmd', body: object) => Promise<void>;
  /** Sends an allow-list and waits until the reader holds its version. */
  sendList: (body: Partial<ListBody> & { upsert: AllowlistEntry[] }) => Promise<void>;
  /** Cuts the reader's socket and waits until it knows (it reconnects after `reconnect.baseMs` of the manual clock). */
  cut: () => Promise<void>;
}

export interface ListBody {
  mode: 'full' | 'delta';
  version: number;
  baseVersion?: number;
  upsert: AllowlistEntry[];
  remove: string[];
  maxStalenessS: number;
  horizonUntil: number;
  doorUnlocked: [number, number][];
}

/** Call at the top of a describe block: returns a setup function whose rigs are torn down after each test. */
export function useReaderRig(): (options?: Partial<SimReaderOptions>, brokerOptions?: Partial<TestBrokerOptions>) => Promise<Rig> {
  const brokers: TestBroker[] = [];
  const readers: SimReader[] = [];
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()));
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  return async (options = {}, brokerOptions = {}) => {
    const broker = await startTestBroker({ ...brokerOptions, passwords: { [READER.id]: READER.secret } });
    brokers.push(broker);
    const { client, inbox } = await connectController(broker);
    clients.push(client);
    const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
    const reader = new SimReader({
      brokerUrl: broker.url, site: SITE, deviceId: READER.id, secret: READER.secret, clock, heartbeatIntervalS: 3600,
      reconnect: { baseMs: RECONNECT_MS, maxMs: RECONNECT_MS, random: () => 1 }, ...options,
    });
    readers.push(reader);
    await reader.start();

    const sent = (kind: UplinkKind): Received[] => inbox.filter((m) => m.topic === uplinkTopic(SITE, READER.id, kind));
    const accepted = (kind: UplinkKind): Record<string, unknown>[] => broker.published
      .filter((p) => p.topic === uplinkTopic(SITE, READER.id, kind)).map((p) => JSON.parse(p.payload) as Record<string, unknown>);
    const send = async (kind: 'access' | 'allowlist' | 'door_cmd', body: object): Promise<void> => {
      const handled = new Promise<void>((resolve) => {
        const listener = (e: { type: string; kind?: string }): void => {
          if ((e.type === 'downlink' || e.type === 'ignored') && e.kind === kind) {
            reader.off('event', listener);
            resolve();
          }
        };
        reader.on('event', listener);
      });
      await client.publishAsync(downlinkTopic(SITE, READER.id, kind), JSON.stringify({ ...command(clock.now()), ...body }), { qos: 1 });
      await handled;
    };
    const sendList = async (body: Partial<ListBody> & { upsert: AllowlistEntry[] }): Promise<void> => {
      const full: ListBody = {
        mode: 'full', version: 1, remove: [], maxStalenessS: 86_400, horizonUntil: clock.now() + 7 * DAY, doorUnlocked: [], ...body,
      };
      await send('allowlist', full);
      await until(() => reader.allowlist?.version === full.version, `allow-list version ${full.version}`);
    };
    const cut = async (): Promise<void> => {
      const down = nextEvent(reader, 'disconnected');
      broker.clients.get(READER.id)?.conn.destroy();
      await down;
    };
    return { broker, client, clock, reader, sent, accepted, send, sendList, cut };
  };
}

/** An entry open from `from` to `to` (epoch ms). */
export function entry(uid: string, intervals: [number, number][], pinHash?: string): AllowlistEntry {
  return pinHash === undefined ? { uid, intervals } : { uid, pinHash, intervals };
}
