import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectAsync } from 'mqtt';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, statusTopic, uplinkTopic } from '../gateway/protocol/index.js';

/**
 * The fan-out scenario's load process (bench/scenarios/ws-fanout.ts starts it): opens N staff
 * WebSocket clients on /api/live with a bearer token, then publishes desk uplinks (QoS 1) from one
 * desk sensor, occupied and free in turn, at a fixed rate, and takes for every client the time from
 * the publish call to the arrival of the delta frame carrying that desk's new state. Publisher and
 * clients share one process and one clock (performance.now), so no clock is compared across processes.
 * Input: a JSON object as argv[2]; output: one JSON line per progress step, and the result last.
 */

interface Options {
  httpUrl: string;
  mqttUrl: string;
  token: string;
  site: string;
  deviceId: string;
  deskId: string;
  secret: string;
  clients: number;
  ratePerS: number;
  durationS: number;
  connectConcurrency: number;
  /** Waited after the last update for its frames. */
  tailMs: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
/** Resolves once written: the result line is long, and a pipe is asynchronous (process.exit would cut it). */
const say = (x: unknown) => new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(x)}\n`, () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publishes: [performance.now() at the publish call, occupied]. */
const published: Array<{ at: number; occupied: boolean }> = [];
const latencies: number[] = [];
/** The same cut at the frame's `at` (the controller's clock when it built the frame, 1 ms resolution): publish → frame built, frame built → arrival. */
const toFrameMs: number[] = [];
const frameToClientMs: number[] = [];
const epoch = (t: number) => performance.timeOrigin + t;
/** Per client: the index of the next update it has not yet seen (deliveries are in order). */
const nextUpdate: number[] = [];
let unmatched = 0;
let closed = 0;
const needle = Buffer.from(`"id":"${o.deskId}"`);

function onFrame(client: number, data: Buffer): void {
  const arrived = performance.now();
  if (!data.includes(needle)) return; // not the desk: skip the parse
  const frame = JSON.parse(data.toString('utf8')) as { type: string; at: number; changes?: Array<{ kind: string; id: string; value: { occupied: boolean | null } }> };
  if (frame.type !== 'delta') return;
  const change = frame.changes?.find((c) => c.kind === 'desk' && c.id === o.deskId);
  if (change === undefined) return;
  // The latest update published before this frame with the state it carries; the ones in between were coalesced.
  let k = published.length - 1;
  while (k >= 0 && ((published[k] as { at: number }).at > arrived || published[k]?.occupied !== change.value.occupied)) k--;
  if (k < (nextUpdate[client] as number)) {
    unmatched++;
    return;
  }
  // Updates coalesced into this frame (superseded by a later state of the same desk) reached the
  // client with it: each counts as delivered now, its latency taken from its own publish.
  for (let j = nextUpdate[client] as number; j <= k; j++) {
    const sent = (published[j] as { at: number }).at;
    latencies.push(arrived - sent);
    toFrameMs.push(frame.at - epoch(sent));
    frameToClientMs.push(epoch(arrived) - frame.at);
  }
  nextUpdate[client] = k + 1;
}

async function main(): Promise<void> {
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  let next = 0;
  const open = async () => {
    while (next < o.clients) {
      const i = next++;
      nextUpdate[i] = Number.POSITIVE_INFINITY; // nothing is counted before the snapshot
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${o.httpUrl.replace(/^http/, 'ws')}/api/live`, { headers: { authorization: `Bearer ${o.token}` }, perMessageDeflate: false });
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`client ${i}: HTTP ${res.statusCode}`)));
        ws.on('message', (data: Buffer, isBinary) => {
          if (nextUpdate[i] === Number.POSITIVE_INFINITY) {
            nextUpdate[i] = published.length; // the snapshot: updates from now on
            return;
          }
          if (!isBinary) onFrame(i, data);
        });
        ws.on('close', () => { closed++; });
        sockets.push(ws);
      });
    }
  };
  await Promise.all(Array.from({ length: o.connectConcurrency }, open));
  // every snapshot in before the first update
  const deadline = performance.now() + 30_000;
  while (nextUpdate.some((n) => n === Number.POSITIVE_INFINITY) && performance.now() < deadline) await sleep(50);
  await say({ phase: 'connected', clients: sockets.length, connectS: (performance.now() - t0) / 1000 });

  const bootId = randomBytes(8).toString('hex');
  const mqtt = await connectAsync(o.mqttUrl, {
    clientId: o.deviceId, username: o.deviceId, password: o.secret, protocolVersion: 4, clean: true, reconnectPeriod: 0,
  });
  await mqtt.publishAsync(statusTopic(o.site, o.deviceId), JSON.stringify({ v: PROTOCOL_VERSION, deviceId: o.deviceId, bootId, state: 'online', ts: Date.now(), fw: 'bench/1' }), { qos: 1, retain: true });
  await sleep(1_000); // the online change reaches every client before the first measured update
  for (let i = 0; i < nextUpdate.length; i++) nextUpdate[i] = 0;

  const total = Math.round(o.ratePerS * o.durationS);
  const start = performance.now();
  let seq = 0;
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / o.ratePerS; // fixed schedule: a slow frame cannot delay the next update
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const occupied = k % 2 === 0;
    const payload = JSON.stringify({ v: PROTOCOL_VERSION, deviceId: o.deviceId, bootId, seq: seq++, ts: Date.now(), occupied, battery: 90 });
    published.push({ at: performance.now(), occupied });
    mqtt.publish(uplinkTopic(o.site, o.deviceId, 'desk'), payload, { qos: 1 });
  }
  await sleep(o.tailMs); // the last frames
  const expected = total * sockets.length;
  await say({ phase: 'done', updates: total, clients: sockets.length, expected, received: latencies.length, unmatched, closed, latencies: latencies.map((l) => Math.round(l * 1000) / 1000),
    toFrameMs: toFrameMs.map((l) => Math.round(l * 10) / 10), frameToClientMs: frameToClientMs.map((l) => Math.round(l * 10) / 10) });
  await mqtt.endAsync(false).catch(() => mqtt.end(true));
  for (const ws of sockets) ws.terminate();
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`${err.stack ?? String(err)}\n`);
  process.exit(1);
});
