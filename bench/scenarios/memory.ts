import { controllerDefaults, countRows, loadDeviceIds, provisionDevices, startController } from '../controller.js';
import { startLoad } from '../load-process.js';
import { round, type BenchContext, type MetricDef, type Scenario, type ScenarioOutcome } from '../metrics.js';
import { rssKb, sleep } from '../processes.js';

/** The controller's memory: idle with the building, and what each connected device adds. */

export const memoryDefaults = {
  devices: 10_000, // connections held
  settleMinMs: 3_000, // RSS is read no earlier than 3 s after the phase starts…
  settleMaxMs: 15_000, // …and no later than 15 s
  settleIntervalMs: 250, // one RSS sample every 250 ms
  settleTolerance: 0.005, // settled: the last 2 s of samples within 0.5 %
  connectTimeoutMs: 310_000, // the load generator gives up on connecting after 5 minutes
  holdS: 300, // the load generator's own bound on holding the connections (the scenario stops it sooner)
};

/**
 * Samples VmRSS until it settles (the last 2 s within the tolerance) or the time is up; returns the
 * last sample in KiB. Startup, provisioning or connections leave garbage and lazy allocations behind.
 */
export async function settledRss(pid: number, signal?: AbortSignal, minMs = memoryDefaults.settleMinMs): Promise<number> {
  const { settleMaxMs, settleIntervalMs, settleTolerance } = memoryDefaults;
  const start = Date.now();
  const window = Math.ceil(2_000 / settleIntervalMs);
  const samples: number[] = [];
  for (;;) {
    samples.push(rssKb(pid));
    const recent = samples.slice(-window);
    const elapsed = Date.now() - start;
    const stable = recent.length === window && (Math.max(...recent) - Math.min(...recent)) / Math.max(...recent) <= settleTolerance;
    if ((elapsed >= minMs && stable) || elapsed >= settleMaxMs || signal?.aborted === true) return samples[samples.length - 1] as number;
    await sleep(settleIntervalMs);
  }
}

export const idleMetrics: MetricDef[] = [
  { name: 'idle_rss_mb', unit: 'MB', target: { op: '<=', value: 120 }, what: 'RSS of the controller idle with the Ménil-Flin building' },
];

export async function measureIdle(ctx: BenchContext): Promise<ScenarioOutcome> {
  ctx.log('idle: starting the controller with the Ménil-Flin building');
  const ctl = await startController();
  try {
    const kb = await settledRss(ctl.pid, ctx.signal);
    return {
      values: [{ metric: 'idle_rss_mb', value: round(kb / 1024, 1), unit: 'MB' }],
      notes: [`idle: controller RSS ${round(kb / 1024, 1)} MB after startup settled (fresh database, no device connected; 1 MB = 1,024 KiB)`],
      problems: [],
    };
  } finally {
    await ctl.dispose();
  }
}

export const devicesMetrics: MetricDef[] = [
  { name: 'devices_connected', unit: 'devices', target: { op: '>=', value: 10_000 }, what: 'devices the controller holds connected (online per its presence)' },
  { name: 'kb_per_device', unit: 'KB', target: { op: '<=', value: 40 }, what: '(RSS with the devices connected − RSS with them registered, not connected) / devices' },
  { name: 'devices_connect_s', unit: 's', what: 'time for the load generator to connect them all, 250 at a time' },
];

export interface DevicesParams {
  devices: number;
}

export async function measureDevices(ctx: BenchContext, params: DevicesParams = { devices: memoryDefaults.devices }): Promise<ScenarioOutcome> {
  const notes: string[] = [];
  const problems: string[] = [];
  ctx.log('devices: starting the controller');
  const ctl = await startController();
  try {
    const ids = loadDeviceIds(params.devices);
    const t0 = Date.now();
    ctx.log(`devices: registering and provisioning ${params.devices.toLocaleString('en-US')} devices over HTTP (${controllerDefaults.provisionConcurrency} requests at a time)`);
    const secrets = await provisionDevices(ctl, ids, { register: true });
    const provisionS = (Date.now() - t0) / 1000;
    const idleKb = await settledRss(ctl.pid, ctx.signal);
    ctx.log(`devices: provisioned in ${provisionS.toFixed(1)} s; RSS ${round(idleKb / 1024, 1)} MB; connecting them`);
    const load = startLoad({ brokerUrl: ctl.mqttUrl, secrets, rate: 0, durationS: memoryDefaults.holdS });
    let connected: number;
    let connectS: number;
    let heldKb: number;
    try {
      const p = await load.waitFor((x) => x.phase !== 'connecting', memoryDefaults.connectTimeoutMs, 'every device connected');
      connectS = p.elapsedS;
      if (p.failed > 0) problems.push(`devices: ${p.failed} connection(s) failed`);
      ctx.log(`devices: ${p.connected.toLocaleString('en-US')} connected in ${connectS} s; waiting for the controller to record them online`);
      const online = () => countRows(ctl.dbFile, "SELECT count(*) AS n FROM devices WHERE online = 1 AND id LIKE 'load-%'");
      const deadline = Date.now() + 60_000;
      while (online() < p.connected && Date.now() < deadline && !ctx.signal.aborted) await sleep(250);
      heldKb = await settledRss(ctl.pid, ctx.signal);
      connected = Math.min(online(), load.latest()?.connected ?? 0);
    } finally {
      await load.stop();
    }
    const kbPerDevice = connected > 0 ? (heldKb - idleKb) / connected : Number.NaN;
    notes.push(`devices: RSS ${round(idleKb / 1024, 1)} MB with ${params.devices.toLocaleString('en-US')} devices registered → ${round(heldKb / 1024, 1)} MB ` +
      `with ${connected.toLocaleString('en-US')} connected (each with its subscription, retained birth and will); provisioning took ${provisionS.toFixed(1)} s`);
    return {
      values: [
        { metric: 'devices_connected', value: connected, unit: 'devices' },
        { metric: 'kb_per_device', value: round(kbPerDevice, 1), unit: 'KB' },
        { metric: 'devices_connect_s', value: round(connectS, 1), unit: 's' },
      ],
      notes,
      problems,
    };
  } finally {
    await ctl.dispose();
  }
}

export const idleScenario: Scenario = { name: 'idle', metrics: idleMetrics, run: measureIdle };
export const devicesScenario: Scenario = { name: 'devices', metrics: devicesMetrics, run: (ctx) => measureDevices(ctx) };
