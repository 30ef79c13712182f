import { afterAll, describe, expect, it } from 'vitest';
import type { BenchContext, Measured, ScenarioOutcome } from '../../bench/metrics.js';
import { cleanupAll } from '../../bench/processes.js';
import { measureBadges } from '../../bench/scenarios/badge.js';
import { ingestEmbedded, ingestMosquitto } from '../../bench/scenarios/ingest.js';
import { measureDevices, measureIdle } from '../../bench/scenarios/memory.js';
import { measureWsFanout } from '../../bench/scenarios/ws-fanout.js';
import { mosquittoAvailable } from '../support/mosquitto.js';

/**
 * The bench's own building blocks at a tiny scale: they start real controller processes, real
 * connections and real SQLite files, and must produce numbers and pass their stored-event checks.
 * No figure is compared with a target here: targets are read from `npm run bench`.
 */

const ctx: BenchContext = { signal: new AbortController().signal, log: () => {} };
const value = (values: Measured[], metric: string): number => {
  const found = values.find((m) => m.metric === metric);
  if (found === undefined) throw new Error(`no ${metric} in ${JSON.stringify(values)}`);
  return found.value;
};
const tiny = { devices: 20, inflight: 2, count: 400, duplicateEvery: 10, runs: 1 };
const tinyBadges = { devices: 20, backgroundRate: 100, badgeRate: 20, badgeDurationS: 1, warmupS: 0 };

/** 20 badges from the 15 readers, all granted, with finite round trips (a lighter background than asked is tolerated at this scale). */
function expectEveryBadgeAnswered(out: ScenarioOutcome, suffix: string): void {
  expect(out.problems.filter((p) => !p.includes('background ran at'))).toEqual([]);
  const p50 = value(out.values, `badge_rtt_p50_ms${suffix}`);
  const p99 = value(out.values, `badge_rtt_p99_ms${suffix}`);
  expect(Number.isFinite(p99)).toBe(true);
  expect(p50).toBeGreaterThan(0);
  expect(p99).toBeGreaterThanOrEqual(p50);
  expect(out.notes.join('\n')).toMatch(/20 badges from 15 readers \(granted 20\)/);
}

describe('bench building blocks (tiny scale)', () => {
  afterAll(async () => {
    await cleanupAll();
  });

  it('ingest: every acknowledged uplink is in the SQLite file once, repeats included', async () => {
    const out = await ingestEmbedded(ctx, tiny);
    expect(out.problems).toEqual([]);
    expect(value(out.values, 'ingest_events_per_s')).toBeGreaterThan(0);
    expect(value(out.values, 'raw_broker_qos1_per_s')).toBeGreaterThan(0);
    expect(value(out.values, 'ingest_ratio')).toBeGreaterThan(0);
    expect(out.notes.join('\n')).toMatch(/360 events = 360 unique acknowledged \(40 repeats deduplicated\) ✓/);
  }, 90_000);

  it.skipIf(!mosquittoAvailable())('ingest through an external Mosquitto: stored once each, polled from the file', async () => {
    const out = await ingestMosquitto(ctx, tiny);
    expect(out.problems).toEqual([]);
    expect(value(out.values, 'ingest_events_per_s_mosquitto')).toBeGreaterThan(0);
    expect(value(out.values, 'raw_broker_qos1_per_s_mosquitto')).toBeGreaterThan(0);
  }, 90_000);

  it('badge: every badge of a building reader is answered, with its round trip', async () => {
    const out = await measureBadges(ctx, tinyBadges);
    expectEveryBadgeAnswered(out, '');
  }, 90_000);

  it('badge floor: a bare aedes grants every badge of the building at once, same probe', async () => {
    const out = await measureBadges(ctx, tinyBadges, 'raw-aedes');
    expectEveryBadgeAnswered(out, '_raw_aedes');
  }, 60_000);

  it.skipIf(!mosquittoAvailable())('badge through an external Mosquitto: every badge answered by the controller in MQTT_URL mode', async () => {
    const out = await measureBadges(ctx, tinyBadges, 'mosquitto');
    expectEveryBadgeAnswered(out, '_mosquitto');
  }, 90_000);

  it('ws_fanout: every desk update reaches every staff WebSocket client, with its latency', async () => {
    const out = await measureWsFanout(ctx, { clients: 20, ratePerS: 10, durationS: 0.5 });
    expect(out.problems).toEqual([]);
    const p50 = value(out.values, 'ws_fanout_p50_ms');
    const p99 = value(out.values, 'ws_fanout_p99_ms');
    expect(Number.isFinite(p99)).toBe(true);
    expect(p50).toBeGreaterThan(0);
    expect(p99).toBeGreaterThanOrEqual(p50);
    expect(out.notes.join('\n')).toMatch(/5 desk updates × 20 clients = 100 deliveries, 100 matched/);
  }, 60_000);

  it('memory: idle RSS, and what 20 connected devices add', async () => {
    const idle = await measureIdle(ctx);
    expect(value(idle.values, 'idle_rss_mb')).toBeGreaterThan(10);
    const out = await measureDevices(ctx, { devices: 20 });
    expect(out.problems).toEqual([]);
    expect(value(out.values, 'devices_connected')).toBe(20);
    expect(Number.isFinite(value(out.values, 'kb_per_device'))).toBe(true);
  }, 120_000);
});
