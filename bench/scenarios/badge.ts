import { BadgeProbe, percentile } from '../badge-probe.js';
import { startBadgeWorld, type BadgeBroker } from '../badge-world.js';
import { startLoad } from '../load-process.js';
import { round, type BenchContext, type MetricDef, type Scenario, type ScenarioOutcome } from '../metrics.js';
import { cpuMs, sleep } from '../processes.js';

/**
 * Badge → decision round trip at the reader, while the controller holds thousands of other devices
 * and ingests their telemetry.
 */

export const badgeDefaults = {
  devices: 2_000, // background devices connected
  backgroundRate: 5_000, // background telemetry, uplinks per second
  badgeRate: 150, // badges per second over the building's 16 readers (≈ 9 per reader per second)
  badgeDurationS: 20, // 20 s of badges: 3,000 round trips
  warmupS: 3, // background running this long before the first badge
  connectTimeoutMs: 120_000, // 2 minutes to connect the background devices
  uid: 'BE0C0FFEE0', // the bench's badge
  pin: '4321',
};

export type BadgeParams = Pick<typeof badgeDefaults, 'devices' | 'backgroundRate' | 'badgeRate' | 'badgeDurationS' | 'warmupS'>;

const SUFFIX: Record<BadgeBroker, string> = { embedded: '', mosquitto: '_mosquitto', 'raw-aedes': '_raw_aedes' };

/** The metrics of one world; the floor (bare aedes) has no target of its own. */
function metricsFor(broker: BadgeBroker, on: string): MetricDef[] {
  const suffix = SUFFIX[broker];
  const target = broker === 'raw-aedes' ? {} : { target: { op: '<=' as const, value: 2 } };
  return [
    { name: `badge_rtt_p50_ms${suffix}`, unit: 'ms', what: `badge uplink (QoS 1) → access downlink at the reader, median${on}` },
    { name: `badge_rtt_p99_ms${suffix}`, unit: 'ms', ...target, what: `the same, 99th percentile${on}` },
    { name: `badge_rtt_max_ms${suffix}`, unit: 'ms', what: `the same, slowest answer${on}` },
    { name: `badge_background_msgs_per_s${suffix}`, unit: 'msg/s', what: `background telemetry acknowledged per second while badging (asked: 5,000)${on}` },
  ];
}
export const badgeMetrics = [
  ...metricsFor('embedded', ''),
  ...metricsFor('raw-aedes', ': the floor, a bare aedes granting every badge at once (no controller), same background'),
];
export const badgeMosquittoMetrics = metricsFor('mosquitto', ', controller on Mosquitto');

export async function measureBadges(ctx: BenchContext, params: BadgeParams = badgeDefaults, broker: BadgeBroker = 'embedded'): Promise<ScenarioOutcome> {
  const notes: string[] = [];
  const problems: string[] = [];
  const suffix = SUFFIX[broker];
  ctx.log(broker === 'raw-aedes' ? `badge: the floor, a bare aedes granting every badge at once, with ${params.devices.toLocaleString('en-US')} background devices`
    : `badge: starting the controller${broker === 'embedded' ? '' : ` on ${broker}`}; provisioning the readers and ` +
      `${params.devices.toLocaleString('en-US')} background devices; one badge allowed everywhere, always`);
  const world = await startBadgeWorld(broker, params.devices, badgeDefaults);
  try {
    const { pid, readers, loadSecrets, mqttUrl } = world;
    const probe = new BadgeProbe({
      mqttUrl, site: 'menil-flin', uid: badgeDefaults.uid, pin: badgeDefaults.pin, signal: ctx.signal,
      readers, ratePerS: params.badgeRate, durationS: params.badgeDurationS,
    });
    const durationS = params.warmupS + params.badgeDurationS + 10; // the generator's own bound; stopped when the badges are done
    const load = startLoad({ brokerUrl: mqttUrl, secrets: loadSecrets, rate: params.backgroundRate, durationS, ...(ctx.kinds === undefined ? {} : { kinds: ctx.kinds }) });
    try {
      await probe.connect();
      const p = await load.waitFor((x) => x.phase !== 'connecting', badgeDefaults.connectTimeoutMs, 'the background devices connected');
      ctx.log(`badge: ${p.connected.toLocaleString('en-US')} background devices connected in ${p.elapsedS} s; ` +
        `${params.backgroundRate.toLocaleString('en-US')} msg/s for ${params.warmupS} s, then ${params.badgeRate} badges/s for ${params.badgeDurationS} s`);
      await sleep(params.warmupS * 1000);
      const before = { at: Date.now(), acked: load.latest()?.acked ?? 0, cpu: cpuMs(pid) };
      const result = await probe.run();
      const after = { at: Date.now(), acked: load.latest()?.acked ?? 0, cpu: cpuMs(pid) };
      const final = await load.stop();
      const seconds = (after.at - before.at) / 1000;
      const background = (after.acked - before.acked) / seconds;
      const rtts = [...result.rttMs, ...Array.from({ length: result.lost }, () => Number.POSITIVE_INFINITY)];
      const label = broker === 'embedded' ? 'badge' : `badge (${broker})`;
      if (background < 0.95 * params.backgroundRate) {
        problems.push(`${label}: the background ran at ${Math.round(background)} msg/s, not the ${params.backgroundRate} asked: the round trips were measured under less load`);
      }
      if (result.lost > 0) problems.push(`${label}: ${result.lost} of ${result.sent} badges got no answer within 3 s (counted as infinitely slow)`);
      if (final.failed > 0 || final.disconnected > 0) problems.push(`${label}: background devices failed ${final.failed}, dropped ${final.disconnected}`);
      const reasons = Object.entries(result.reasons).map(([r, n]) => `${r} ${n}`).join(', ');
      const st = result.stages;
      const pp = (v: number[]) => `p50 ${round(percentile(v, 50), 1)} / p99 ${round(percentile(v, 99), 1)} ms`;
      notes.push(`${label} stages: uplink → PUBACK (stored) ${pp(st.ackMs)}; uplink → decision issued ${pp(st.decidedMs)}; ` +
        `decision issued → at the reader ${pp(st.downlinkMs)} (the last two from the answer's issuedAt, 1 ms resolution)`);
      notes.push(`${label}: ${result.sent.toLocaleString('en-US')} badges from ${readers.length} readers (${reasons}); p99.9 ` +
        `${round(percentile(rtts, 99.9))} ms; ${final.peakConnected.toLocaleString('en-US')} background devices at ` +
        `${Math.round(background).toLocaleString('en-US')} msg/s; ${broker === 'raw-aedes' ? 'broker' : 'controller'} CPU ${Math.round(((after.cpu - before.cpu) / 1000 / seconds) * 100)} % of one core`);
      return {
        values: [
          { metric: `badge_rtt_p50_ms${suffix}`, value: round(percentile(rtts, 50), 3), unit: 'ms' },
          { metric: `badge_rtt_p99_ms${suffix}`, value: round(percentile(rtts, 99), 3), unit: 'ms' },
          { metric: `badge_rtt_max_ms${suffix}`, value: round(percentile(rtts, 100), 3), unit: 'ms' },
          { metric: `badge_background_msgs_per_s${suffix}`, value: Math.round(background), unit: 'msg/s' },
        ],
        notes,
        problems,
      };
    } finally {
      await probe.stop();
      await load.stop();
    }
  } finally {
    await world.dispose();
  }
}

/** The controller, then the floor under the same background: what the controller adds to the broker's own round trip. */
async function measureBadgesAndFloor(ctx: BenchContext): Promise<ScenarioOutcome> {
  const controller = await measureBadges(ctx);
  const floor = await measureBadges(ctx, badgeDefaults, 'raw-aedes');
  return {
    values: [...controller.values, ...floor.values],
    notes: [...controller.notes, ...floor.notes],
    problems: [...controller.problems, ...floor.problems],
  };
}

export const badgeScenario: Scenario = { name: 'badge', metrics: badgeMetrics, run: measureBadgesAndFloor };
export const badgeMosquittoScenario: Scenario = {
  name: 'badge-mosquitto', metrics: badgeMosquittoMetrics, run: (ctx) => measureBadges(ctx, badgeDefaults, 'mosquitto'),
};
