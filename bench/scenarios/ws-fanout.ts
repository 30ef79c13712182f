import { percentile } from '../badge-probe.js';
import { provisionDevices, startController } from '../controller.js';
import { round, type BenchContext, type MetricDef, type Scenario, type ScenarioOutcome } from '../metrics.js';
import { cpuMs, spawnTs, stopProcess } from '../processes.js';

/**
 * Live fan-out: a desk sensor's change to 1,000 staff dashboards on the WebSocket stream
 * (`GET /api/live`), from the sensor's publish to the delta frame at each client.
 * The clients and the sensor run in a child process (bench/ws-fanout-clients.ts), off the
 * controller's process and off this one.
 */

export const wsFanoutDefaults = {
  clients: 1_000, // staff WebSocket clients, bearer token
  ratePerS: 4, // desk updates per second (occupied, free, occupied…)
  durationS: 20, // 80 updates: 80,000 deliveries
  connectConcurrency: 50, // handshakes in flight
  tailMs: 2_000, // waited after the last update for its frames
  deviceId: 'desk-cw-hot-01', // a desk sensor of the building file
  deskId: 'cw-hot-01',
  timeoutMs: 180_000, // the whole child run
};

export type WsFanoutParams = Pick<typeof wsFanoutDefaults, 'clients' | 'ratePerS' | 'durationS'>;

export const wsFanoutMetrics: MetricDef[] = [
  { name: 'ws_fanout_p50_ms', unit: 'ms', what: 'desk sensor publish → delta frame at each of 1,000 staff WebSocket clients, median' },
  { name: 'ws_fanout_p99_ms', unit: 'ms', target: { op: '<=', value: 50 }, what: 'live event to 1,000 dashboard WebSocket clients, p99' },
];

interface ChildDone {
  phase: 'done';
  updates: number;
  clients: number;
  expected: number;
  received: number;
  unmatched: number;
  closed: number;
  latencies: number[];
  toFrameMs: number[];
  frameToClientMs: number[];
}

export async function measureWsFanout(ctx: BenchContext, params: WsFanoutParams = wsFanoutDefaults): Promise<ScenarioOutcome> {
  const notes: string[] = [];
  const problems: string[] = [];
  ctx.log('ws_fanout: starting the controller');
  const ctl = await startController();
  try {
    const secrets = await provisionDevices(ctl, [wsFanoutDefaults.deviceId], { register: false });
    ctx.log(`ws_fanout: opening ${params.clients.toLocaleString('en-US')} staff WebSocket clients, then ${params.ratePerS} desk updates/s for ${params.durationS} s`);
    let done: ChildDone | undefined;
    let cpuBefore: { at: number; cpu: number } | undefined;
    let cpuAfter: { at: number; cpu: number } | undefined;
    const child = spawnTs('bench/ws-fanout-clients.ts', [JSON.stringify({
      httpUrl: ctl.httpUrl, mqttUrl: ctl.mqttUrl, token: ctl.token, site: 'menil-flin',
      deviceId: wsFanoutDefaults.deviceId, deskId: wsFanoutDefaults.deskId, secret: secrets.get(wsFanoutDefaults.deviceId) as string,
      clients: params.clients, ratePerS: params.ratePerS, durationS: params.durationS, connectConcurrency: wsFanoutDefaults.connectConcurrency,
      tailMs: wsFanoutDefaults.tailMs,
    })], {
      onLine: (line) => {
        if (!line.startsWith('{')) return;
        let msg: { phase: string; clients?: number; connectS?: number };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return;
        }
        if (msg.phase === 'connected') {
          cpuBefore = { at: Date.now(), cpu: cpuMs(ctl.pid) };
          ctx.log(`ws_fanout: ${msg.clients} clients connected in ${round(msg.connectS ?? 0, 1)} s`);
        }
        if (msg.phase === 'done') {
          cpuAfter = { at: Date.now(), cpu: cpuMs(ctl.pid) };
          done = msg as ChildDone;
        }
      },
    });
    const onAbort = () => void stopProcess(child);
    ctx.signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => void stopProcess(child), wsFanoutDefaults.timeoutMs);
    const exit = await child.exited;
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    if (done === undefined) throw new Error(`the client process ended (${exit.code ?? exit.signal}) without a result:\n${child.stderr.slice(-20).join('\n')}`);
    const missing = Math.max(0, done.expected - done.received);
    const all = [...done.latencies, ...Array.from({ length: missing }, () => Number.POSITIVE_INFINITY)];
    if (missing > 0) problems.push(`ws_fanout: ${missing} of ${done.expected} deliveries never arrived (counted as infinitely slow)`);
    if (done.closed > 0) problems.push(`ws_fanout: ${done.closed} client(s) closed by the server during the run`);
    if (ctl.warnings.count > 0) notes.push(`ws_fanout: the controller logged ${ctl.warnings.count} warning(s); the last: ${ctl.warnings.last.at(-1) ?? ''}`);
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined
      ? `; controller CPU ${Math.round(((cpuAfter.cpu - cpuBefore.cpu) / (cpuAfter.at - cpuBefore.at)) * 100)} % of one core while measuring` : '';
    notes.push(`ws_fanout: ${done.updates} desk updates × ${done.clients.toLocaleString('en-US')} clients = ${done.expected.toLocaleString('en-US')} deliveries, ` +
      `${done.received.toLocaleString('en-US')} matched (${done.unmatched} frames repeating a state already counted, ignored); ` +
      `min ${round(percentile(all, 0), 1)} ms, p90 ${round(percentile(all, 90), 1)} ms, ` +
      `p99.9 ${round(percentile(all, 99.9), 1)} ms, max ${round(percentile(all, 100), 1)} ms${cpu}; ` +
      'the hub sends at most one frame per client per 100 ms (its coalescing window)');
    const pp = (v: number[]) => `p50 ${round(percentile(v, 50), 1)} / p99 ${round(percentile(v, 99), 1)} ms`;
    notes.push(`ws_fanout stages, cut at the frame's \`at\` (the controller's clock when it built the frame, 1 ms resolution): ` +
      `publish → frame built ${pp(done.toFrameMs)}; frame built → read by the client ${pp(done.frameToClientMs)}`);
    return {
      values: [
        { metric: 'ws_fanout_p50_ms', value: round(percentile(all, 50), 2), unit: 'ms' },
        { metric: 'ws_fanout_p99_ms', value: round(percentile(all, 99), 2), unit: 'ms' },
      ],
      notes,
      problems,
    };
  } finally {
    await ctl.dispose();
  }
}

export const wsFanoutScenario: Scenario = { name: 'ws_fanout', metrics: wsFanoutMetrics, run: (ctx) => measureWsFanout(ctx) };
