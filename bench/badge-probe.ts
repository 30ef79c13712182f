import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  deviceDownlinkFilter, PROTOCOL_VERSION, statusTopic, uplinkTopic, type AccessDownlink,
} from '../gateway/protocol/index.js';

/**
 * The building's readers as bare MQTT clients in the measuring process: each badge is a QoS 1
 * uplink, as a real reader sends it, and its round trip is taken at the device, from the publish
 * call to the arrival of the access downlink that answers it (matched by bootId and seq).
 * Badges go out on a fixed schedule whatever the answers do, so a slow answer cannot hold back
 * the next badge and hide itself (no coordinated omission).
 */

export const probeDefaults = {
  answerTimeoutMs: 3_000, // an answer later than this counts as lost (the controller's TTL is 3 s)
  keepaliveS: 60, // 1 minute
};

export interface ProbeReader {
  id: string;
  secret: string;
  /** Send the badge's PIN too (a keypad reader whose door requires it). */
  keypad?: boolean;
}

export interface ProbeOptions {
  mqttUrl: string;
  site: string;
  readers: ProbeReader[];
  uid: string;
  pin: string;
  ratePerS: number;
  durationS: number;
  signal?: AbortSignal;
}

export interface ProbeResult {
  sent: number;
  /** Round trips in ms, one per answered badge, in the order the answers came. */
  rttMs: number[];
  /**
   * The same round trips cut in stages, from what the device sees: the PUBACK of the badge (the
   * controller acknowledges after commit), and the answer's issuedAt, the controller's clock when
   * it sent the decision (same machine, same clock; millisecond resolution).
   */
  stages: { ackMs: number[]; decidedMs: number[]; downlinkMs: number[] };
  lost: number;
  reasons: Record<string, number>;
}

interface Reader extends ProbeReader {
  client: MqttClient;
  bootId: string;
  seq: number;
}

export class BadgeProbe {
  #readers: Reader[] = [];
  #pending = new Map<string, { at: number; epoch: number }>(); // `${deviceId}/${seq}` → send time (performance.now, Date.now)
  #rtt: number[] = [];
  #stages: ProbeResult['stages'] = { ackMs: [], decidedMs: [], downlinkMs: [] };
  #reasons: Record<string, number> = {};

  constructor(private readonly o: ProbeOptions) {}

  /** Connects every reader, subscribes to its commands and publishes its birth, as a reader boots. */
  async connect(): Promise<void> {
    const { site } = this.o;
    for (const r of this.o.readers) {
      const bootId = randomBytes(9).toString('base64url');
      const status = (state: 'online' | 'offline') => JSON.stringify({ v: PROTOCOL_VERSION, deviceId: r.id, bootId, state, ts: Date.now(), fw: 'bench/1' });
      const client = await connectAsync(this.o.mqttUrl, {
        clientId: r.id, username: r.id, password: r.secret, protocolVersion: 4, clean: true, reconnectPeriod: 0,
        keepalive: probeDefaults.keepaliveS, connectTimeout: 10_000,
        will: { topic: statusTopic(site, r.id), payload: Buffer.from(status('offline')), qos: 1, retain: true },
      });
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true); // a reader's badge must not wait for Nagle
      this.#readers.push({ ...r, client, bootId, seq: 0 });
      client.on('error', () => {}); // a lost answer is counted as lost
      client.on('message', (topic, payload) => this.#onMessage(r.id, topic, payload));
      await client.subscribeAsync(deviceDownlinkFilter(site, r.id), { qos: 1 });
      await client.publishAsync(statusTopic(site, r.id), status('online'), { qos: 1, retain: true });
    }
  }

  /** Sends ratePerS × durationS badges on schedule, then waits for the last answers. */
  async run(): Promise<ProbeResult> {
    const { ratePerS, durationS, signal } = this.o;
    const total = Math.round(ratePerS * durationS);
    const intervalMs = 1000 / ratePerS;
    const start = performance.now();
    let sent = 0;
    while (sent < total && signal?.aborted !== true) {
      const due = start + sent * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#badge(this.#readers[sent % this.#readers.length] as Reader);
      sent++;
    }
    const deadline = performance.now() + probeDefaults.answerTimeoutMs;
    while (this.#pending.size > 0 && performance.now() < deadline && signal?.aborted !== true) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { sent, rttMs: [...this.#rtt], stages: this.#stages, lost: this.#pending.size, reasons: { ...this.#reasons } };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#readers.map((r) => r.client.endAsync(false).catch(() => r.client.end(true))));
    this.#readers = [];
  }

  #badge(r: Reader): void {
    const seq = r.seq++;
    const payload = JSON.stringify({
      v: PROTOCOL_VERSION, deviceId: r.id, bootId: r.bootId, seq, ts: Date.now(), uid: this.o.uid, ...(r.keypad ? { pin: this.o.pin } : {}),
    });
    const at = performance.now();
    this.#pending.set(`${r.id}/${seq}`, { at, epoch: Date.now() });
    r.client.publish(uplinkTopic(this.o.site, r.id, 'badge'), payload, { qos: 1 }, (err) => {
      if (!err) this.#stages.ackMs.push(performance.now() - at);
    });
  }

  #onMessage(deviceId: string, topic: string, payload: Buffer): void {
    const at = performance.now();
    if (!topic.endsWith('/down/access')) return; // allow-lists: not what is measured
    let answer: AccessDownlink;
    try {
      answer = JSON.parse(payload.toString('utf8')) as AccessDownlink;
    } catch {
      return;
    }
    const reader = this.#readers.find((r) => r.id === deviceId);
    if (reader === undefined || answer.inReplyTo?.bootId !== reader.bootId) return;
    const key = `${deviceId}/${answer.inReplyTo.seq}`;
    const sent = this.#pending.get(key);
    if (sent === undefined) return;
    this.#pending.delete(key);
    this.#rtt.push(at - sent.at);
    this.#stages.decidedMs.push(answer.issuedAt - sent.epoch);
    this.#stages.downlinkMs.push(Date.now() - answer.issuedAt);
    this.#reasons[answer.reason] = (this.#reasons[answer.reason] ?? 0) + 1;
  }
}

/** Nearest-rank percentile of values (not sorted in place); Infinity stands for an answer that never came. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
