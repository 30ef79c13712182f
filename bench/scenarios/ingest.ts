import { randomBytes } from 'node:crypto';
import type { LoadKind, LoadResult } from '../../firmware-sim/load.js';
import { startMosquitto } from '../../test/support/mosquitto.js';
import { countRows, loadDeviceIds, provisionDevices, startController, type BenchController } from '../controller.js';
import { startLoad, type LoadArgs } from '../load-process.js';
import { round, type BenchContext, type MetricDef, type Scenario, type ScenarioOutcome } from '../metrics.js';
import { sleep } from '../processes.js';
import { startRawAedes, startSubscriber } from '../relay.js';

/**
 * Ingest throughput: QoS 1 uplinks as fast as the broker acknowledges them, stored in SQLite with
 * acknowledge-after-commit and deduplication, against the same broker relaying the same uplinks
 * to one plain subscriber, in the same run. The two alternate (relay, ingest, relay, ingest) and the
 * best of each is kept: other work on a shared 2-core machine only ever slows a run down.
 */

export const ingestDefaults = {
  devices: 500, // publishing devices
  inflight: 4, // unacknowledged uplinks per device: 2,000 in flight in all
  count: 100_000, // uplinks per run, repeats included
  duplicateEvery: 100, // every 100th uplink repeats the previous one: 1 % of redeliveries to deduplicate
  runs: 2, // relay and ingest runs, alternated; the best of each counts
  durationS: 60, // the load generator's own bound
  relayTimeoutMs: 30_000, // 30 s for the last messages to reach the subscriber or the database
  pollMs: 25, // database polling while an external broker's uplinks are stored
};

export type IngestParams = Pick<typeof ingestDefaults, 'devices' | 'inflight' | 'count' | 'duplicateEvery' | 'runs'> & {
  /** Uplink kinds in turn (default: heartbeat, desk, net). */
  kinds?: readonly LoadKind[];
};

/**
 * Through Mosquitto the controller stores a few thousand uplinks per second (see docs/BENCHMARKS.md),
 * so fewer uplinks per run keep the whole bench within a few minutes.
 */
export const mosquittoDefaults: IngestParams = { ...ingestDefaults, count: 30_000 };

const SITE = 'menil-flin';
const EVENTS_SQL = "SELECT count(*) AS n FROM events WHERE device_id LIKE 'load-%'";

const metricsFor = (suffix: string, broker: string): MetricDef[] => [
  { name: `ingest_events_per_s${suffix}`, unit: 'events/s', target: { op: '>=', value: 20_000 }, what: `QoS 1 uplinks stored (ack after commit, dedup) per second, ${broker}` },
  { name: `raw_broker_qos1_per_s${suffix}`, unit: 'msg/s', what: `the same uplinks relayed by ${broker} alone to a plain QoS 1 subscriber` },
  { name: `ingest_ratio${suffix}`, unit: 'ratio', target: { op: '>=', value: 0.6 }, what: 'the first over the second' },
];
export const ingestMetrics = metricsFor('', 'embedded aedes');
export const mosquittoMetrics = metricsFor('_mosquitto', 'Mosquitto');

function loadArgs(brokerUrl: string, secrets: Map<string, string>, p: IngestParams): LoadArgs {
  return {
    brokerUrl, secrets, rate: 'max', count: p.count, inflight: p.inflight, duplicateEvery: p.duplicateEvery, durationS: ingestDefaults.durationS,
    ...(p.kinds === undefined ? {} : { kinds: p.kinds }),
  };
}

interface Relay { perS: number; received: number; acked: number; complete: boolean }

/** Uplinks relayed to a plain subscriber per second: first publish to the last message received. */
export async function relayOnce(brokerUrl: string, secrets: Map<string, string>, p: IngestParams, auth: { username: string; password: string; clientId: string }): Promise<Relay> {
  const sub = await startSubscriber(brokerUrl, SITE, auth);
  try {
    const r = await startLoad(loadArgs(brokerUrl, secrets, p)).result;
    const complete = await sub.waitFor(r.acked, ingestDefaults.relayTimeoutMs);
    const perS = (sub.received() * 1000) / Math.max(1, sub.lastAt() - r.publishStartedAt);
    return { perS, received: sub.received(), acked: r.acked, complete };
  } finally {
    await sub.stop();
  }
}

interface Ingest { perS: number; result: LoadResult; storedAfter: number }

/**
 * Uplinks stored per second through the controller. Embedded broker: each PUBACK means committed, so
 * the acknowledgements the devices count are the figure. External broker: it acknowledges on receipt,
 * so the database is polled until every unique uplink is in it.
 */
export async function ingestOnce(ctl: BenchController, brokerUrl: string, secrets: Map<string, string>, p: IngestParams, external: boolean, storedBefore: number): Promise<Ingest> {
  const load = startLoad(loadArgs(brokerUrl, secrets, p));
  const samples: Array<{ at: number; n: number }> = [];
  let expected = Number.POSITIVE_INFINITY;
  const polling = external ? (async () => {
    const deadline = Date.now() + ingestDefaults.durationS * 1000 + ingestDefaults.relayTimeoutMs;
    while (Date.now() < deadline) {
      const n = countRows(ctl.dbFile, EVENTS_SQL);
      samples.push({ at: Date.now(), n });
      if (n >= expected) return;
      await sleep(ingestDefaults.pollMs);
    }
  })() : Promise.resolve();
  const r = await load.result;
  expected = storedBefore + r.uniqueAcked;
  await polling;
  const endAt = external ? (samples.find((s) => s.n >= expected)?.at ?? Number.NaN) : r.lastAckAt;
  return { perS: (r.acked * 1000) / (endAt - r.publishStartedAt), result: r, storedAfter: countRows(ctl.dbFile, EVENTS_SQL) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Alternates relay and ingest runs, then stops the controller and checks its SQLite file. */
async function compare(ctx: BenchContext, label: string, suffix: string, p: IngestParams, relay: () => Promise<Relay>, ingest: (storedBefore: number) => Promise<Ingest>, ctl: BenchController): Promise<ScenarioOutcome> {
  const relays: Relay[] = [];
  const ingests: Ingest[] = [];
  const problems: string[] = [];
  let stored = 0;
  for (let i = 0; i < p.runs && !ctx.signal.aborted; i++) {
    relays.push(await relay());
    const ing = await ingest(stored);
    ingests.push(ing);
    const r = ing.result;
    if (!r.completed || r.errors > 0) problems.push(`${label} run ${i + 1}: ${r.acked} of ${r.sent} uplinks acknowledged, ${r.errors} errors (${r.lastError ?? 'no error'})`);
    if (ing.storedAfter !== stored + r.uniqueAcked) problems.push(`${label} run ${i + 1}: ${ing.storedAfter - stored} events stored, ${r.uniqueAcked} unique uplinks acknowledged`);
    stored = ing.storedAfter;
    ctx.log(`${label} run ${i + 1}: relay ${fmt(relays[i]?.perS ?? 0)} msg/s, ingest ${fmt(ing.perS)} events/s`);
  }
  await ctl.stop(); // SIGTERM: anything pending is committed before the file is read
  const expected = ingests.reduce((n, x) => n + x.result.uniqueAcked, 0);
  const final = countRows(ctl.dbFile, EVENTS_SQL);
  const dead = countRows(ctl.dbFile, 'SELECT count(*) AS n FROM dead_letters');
  if (final !== expected) problems.push(`${label}: ${final} events in the SQLite file after stop, ${expected} unique uplinks acknowledged`);
  if (dead > 0) problems.push(`${label}: ${dead} uplinks dead-lettered`);
  for (const r of relays) if (!r.complete) problems.push(`${label}: the plain subscriber received ${r.received} of ${r.acked} uplinks`);
  const bestIngest = Math.max(...ingests.map((x) => x.perS));
  const bestRelay = Math.max(...relays.map((x) => x.perS));
  const repeats = ingests.reduce((n, x) => n + x.result.duplicates, 0);
  return {
    values: [
      { metric: `ingest_events_per_s${suffix}`, value: Math.round(bestIngest), unit: 'events/s' },
      { metric: `raw_broker_qos1_per_s${suffix}`, value: Math.round(bestRelay), unit: 'msg/s' },
      { metric: `ingest_ratio${suffix}`, value: round(bestIngest / bestRelay, 3), unit: 'ratio' },
    ],
    notes: [`${label}: ${p.devices} devices × ${p.inflight} in flight, ${(p.kinds ?? ['heartbeat', 'desk', 'net']).join('/')} uplinks; ` +
      `runs relay ${relays.map((r) => fmt(r.perS)).join(' / ')} msg/s, ingest ${ingests.map((x) => fmt(x.perS)).join(' / ')} events/s (best kept); ` +
      `SQLite file after stop: ${fmt(final)} events = ${fmt(expected)} unique acknowledged (${fmt(repeats)} repeats deduplicated) ${final === expected ? '✓' : '✗'}`],
    problems,
  };
}

export async function ingestEmbedded(ctx: BenchContext, p: IngestParams = ingestDefaults): Promise<ScenarioOutcome> {
  ctx.log(`ingest: bare aedes and the controller, ${p.runs} × ${fmt(p.count)} uplinks from ${p.devices} devices each`);
  const ids = loadDeviceIds(p.devices);
  const raw = await startRawAedes();
  try {
    const ctl = await startController();
    try {
      const secrets = await provisionDevices(ctl, ids, { register: true });
      const anyone = new Map(ids.map((id) => [id, 'unchecked'])); // the bare broker authenticates no one
      return await compare(ctx, 'ingest (embedded aedes)', '', p,
        () => relayOnce(raw.url, anyone, p, { username: 'bench', password: 'bench', clientId: 'bench-subscriber' }),
        (before) => ingestOnce(ctl, ctl.mqttUrl, secrets, p, false, before), ctl);
    } finally {
      await ctl.dispose();
    }
  } finally {
    await raw.stop();
  }
}

export async function ingestMosquitto(ctx: BenchContext, p: IngestParams = mosquittoDefaults): Promise<ScenarioOutcome> {
  ctx.log(`ingest (Mosquitto): a bare Mosquitto and the controller in MQTT_URL mode on another, ${p.runs} × ${fmt(p.count)} uplinks each`);
  const ids = loadDeviceIds(p.devices);
  const secrets = new Map(ids.map((id) => [id, randomBytes(18).toString('base64url')]));
  const controller = { username: 'controller', password: randomBytes(18).toString('base64url') };
  const users = [controller, ...[...secrets].map(([username, password]) => ({ username, password }))];
  const bare = await startMosquitto({ site: SITE, users, controllerUsername: controller.username });
  try {
    const mosquitto = await startMosquitto({ site: SITE, users, controllerUsername: controller.username });
    try {
      const ctl = await startController({ MQTT_URL: mosquitto.url, MQTT_USERNAME: controller.username, MQTT_PASSWORD: controller.password });
      try {
        await provisionDevices(ctl, ids, { register: true, provision: false }); // Mosquitto checks their secrets; the controller must know them
        return await compare(ctx, 'ingest (Mosquitto)', '_mosquitto', p,
          () => relayOnce(bare.url, secrets, p, { ...controller, clientId: 'controller-bench' }),
          (before) => ingestOnce(ctl, mosquitto.url, secrets, p, true, before), ctl);
      } finally {
        await ctl.dispose();
      }
    } finally {
      await mosquitto.stop();
    }
  } finally {
    await bare.stop();
  }
}

const withKinds = (ctx: BenchContext, p: IngestParams): IngestParams => (ctx.kinds === undefined ? p : { ...p, kinds: ctx.kinds });
export const ingestScenario: Scenario = { name: 'ingest', metrics: ingestMetrics, run: (ctx) => ingestEmbedded(ctx, withKinds(ctx, ingestDefaults)) };
export const mosquittoScenario: Scenario = {
  name: 'ingest-mosquitto', metrics: mosquittoMetrics, run: (ctx) => ingestMosquitto(ctx, withKinds(ctx, mosquittoDefaults)),
};
