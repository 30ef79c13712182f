import { connectAsync, type MqttClient } from 'mqtt';
import { allUplinksFilter } from '../gateway/protocol/index.js';
import { spawnTs, stopProcess, type Spawned } from './processes.js';

/** The reference the ingest is compared with: a broker relaying uplinks to one plain QoS 1 subscriber. */

export interface RawAedes {
  url: string;
  proc: Spawned;
  stop(): Promise<void>;
}

/** bench/raw-broker.ts in its own process, as the controller is in its own; answerBadges: it grants every badge at once. */
export async function startRawAedes(opts: { answerBadges?: boolean; timeoutMs?: number } = {}): Promise<RawAedes> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let onPort: ((port: number) => void) | undefined;
  const port = new Promise<number>((resolve) => { onPort = resolve; });
  const proc = spawnTs('bench/raw-broker.ts', opts.answerBadges === true ? ['--answer-badges'] : [], {
    onLine: (line) => {
      try {
        const msg = JSON.parse(line) as { port?: number };
        if (typeof msg.port === 'number') onPort?.(msg.port);
      } catch {
        // not a line of ours
      }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('raw aedes broker did not start')), timeoutMs);
    void proc.exited.then(({ code }) => reject(new Error(`raw aedes broker exited (${code}):\n${proc.stderr.join('\n')}`)));
  });
  failed.catch(() => {});
  try {
    const p = await Promise.race([port, failed]);
    return { url: `mqtt://127.0.0.1:${p}`, proc, stop: () => stopProcess(proc) };
  } catch (err) {
    await stopProcess(proc);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export interface Subscriber {
  /** Messages received so far, and the wall-clock time (epoch ms) of the last one. */
  received(): number;
  lastAt(): number;
  /** Resolves once `n` messages arrived, or after the timeout (then with false). */
  waitFor(n: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** A plain mqtt.js client subscribed at QoS 1 to every uplink of the site; it only counts. */
export async function startSubscriber(url: string, site: string, auth: { username: string; password: string; clientId: string }): Promise<Subscriber> {
  const client: MqttClient = await connectAsync(url, {
    ...auth, protocolVersion: 4, clean: true, reconnectPeriod: 0, keepalive: 60, connectTimeout: 10_000,
  });
  let count = 0;
  let last = 0;
  let waiter: { n: number; resolve: (ok: boolean) => void } | null = null;
  client.on('message', () => {
    count++;
    last = Date.now();
    if (waiter !== null && count >= waiter.n) waiter.resolve(true);
  });
  client.on('error', () => {}); // counted by what did not arrive
  const granted = await client.subscribeAsync(allUplinksFilter(site), { qos: 1 });
  if (granted[0]?.qos !== 1) throw new Error(`subscription refused by ${url}`);
  return {
    received: () => count,
    lastAt: () => last,
    waitFor: (n, timeoutMs) => {
      if (count >= n) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve(false);
        }, timeoutMs);
        waiter = {
          n,
          resolve: (ok) => {
            clearTimeout(timer);
            waiter = null;
            resolve(ok);
          },
        };
      });
    },
    stop: async () => {
      await client.endAsync(true);
    },
  };
}
