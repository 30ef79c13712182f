import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOAD_KINDS, type LoadKind } from '../firmware-sim/load.js';
import { mosquittoAvailable } from '../test/support/mosquitto.js';
import { NOT_AVAILABLE, renderTable, type BenchContext, type Measured, type MetricDef, type Scenario } from './metrics.js';
import { buildServer, SERVER_NODE_ARGS } from '../controller/build.js';
import { setControllerEnv, setControllerNodeArgs } from './controller.js';
import { cleanupAll, machineBusyMs, ownTreeCpuMs } from './processes.js';
import { badgeMosquittoScenario, badgeScenario } from './scenarios/badge.js';
import { billingScenario } from './scenarios/billing.js';
import { ingestScenario, mosquittoScenario } from './scenarios/ingest.js';
import { devicesScenario, idleScenario } from './scenarios/memory.js';
import { wsFanoutScenario } from './scenarios/ws-fanout.js';

/**
 * The benchmark that holds every speed target (issue #6):
 *   npm run bench                          readable table
 *   npm run bench -- --json                one {"metric","value","unit"} object per line
 *   npm run bench -- --only badge_rtt_p99_ms,idle_rss_mb
 *   npm run bench -- --only ws_fanout           a scenario by name: all its metrics
 *   npm run bench -- --only billing_month_s     the monthly billing run alone (about 30 s)
 *   npm run bench -- --only billing --billing-history 3   the same after 3 earlier months were billed in the database
 *   npm run bench -- --broker mosquitto    adds the ingest and badge figures against an external Mosquitto
 * Each scenario starts its own controller process (temporary DATA_DIR, loopback ports) and stops it.
 */

const USAGE = 'usage: npm run bench -- [--json] [--only NAME[,NAME]] [--broker embedded|mosquitto] [--kinds heartbeat,desk,net]\n' +
  '       [--profile DIR] [--controller-env KEY=VALUE ...] [--controller-node-args="FLAGS"] [--billing-history MONTHS]';

/** In the order they run: the cheap ones first. */
const SCENARIOS: Scenario[] = [idleScenario, billingScenario, ingestScenario, mosquittoScenario, badgeScenario, badgeMosquittoScenario, wsFanoutScenario, devicesScenario];
/** The scenarios that need an external Mosquitto (--broker mosquitto). */
const MOSQUITTO_SCENARIOS: ReadonlySet<Scenario> = new Set([mosquittoScenario, badgeMosquittoScenario]);

function select(only: string | undefined, withMosquitto: boolean): { scenarios: Scenario[]; wanted: Set<string> | null; unavailable: typeof NOT_AVAILABLE } {
  const known = new Map<string, Scenario>();
  for (const s of SCENARIOS) for (const m of s.metrics) known.set(m.name, s);
  if (only === undefined) {
    return { scenarios: SCENARIOS.filter((s) => withMosquitto || !MOSQUITTO_SCENARIOS.has(s)), wanted: null, unavailable: NOT_AVAILABLE };
  }
  const names = only.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const wanted = new Set<string>();
  const scenarios = new Set<Scenario>();
  for (const name of names) {
    const byScenario = SCENARIOS.find((s) => s.name === name);
    const scenario = known.get(name) ?? byScenario;
    if (scenario === undefined && !NOT_AVAILABLE.some((m) => m.name === name)) {
      throw new Error(`--only: unknown metric "${name}"; known: ${[...known.keys(), ...NOT_AVAILABLE.map((m) => m.name)].join(', ')}`);
    }
    if (scenario !== undefined && MOSQUITTO_SCENARIOS.has(scenario) && !withMosquitto) throw new Error(`--only ${name}: add --broker mosquitto`);
    if (scenario !== undefined) scenarios.add(scenario);
    for (const m of byScenario?.metrics ?? [{ name }]) wanted.add(m.name);
  }
  return {
    scenarios: SCENARIOS.filter((s) => scenarios.has(s)),
    wanted,
    unavailable: NOT_AVAILABLE.filter((m) => wanted.has(m.name)),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      broker: { type: 'string', default: 'embedded' },
      kinds: { type: 'string' },
      profile: { type: 'string' },
      'controller-env': { type: 'string', multiple: true },
      'controller-node-args': { type: 'string' },
      'billing-history': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.broker !== 'embedded' && values.broker !== 'mosquitto') throw new Error(`--broker must be embedded or mosquitto\n${USAGE}`);
  const withMosquitto = values.broker === 'mosquitto';
  if (withMosquitto && !mosquittoAvailable()) throw new Error('--broker mosquitto: /usr/sbin/mosquitto and mosquitto_passwd are needed (apt-get install mosquitto)');
  const { scenarios, wanted, unavailable } = select(values.only, withMosquitto);

  const abort = new AbortController();
  let interrupted = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted++;
    // the second time, exit at once: the exit hook of processes.ts SIGKILLs the children and removes the folders
    if (interrupted > 1) process.exit(130);
    process.stderr.write(`\nbench: ${signal}: stopping every process it started (again to kill them)\n`);
    abort.abort();
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
  // Experiments on the controller's settings (docs/BENCHMARKS.md uses them); the figures are then not the product's defaults.
  const asked = values['controller-node-args']?.split(' ').filter((a) => a.length > 0);
  const nodeArgs = [...(asked ?? SERVER_NODE_ARGS)];
  if (values.profile !== undefined) {
    // where the controller's time goes: one .cpuprofile per controller process (open in Chrome DevTools)
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`);
    log(`CPU profiles of every controller process go to ${resolve(values.profile)}`);
  }
  setControllerNodeArgs(nodeArgs);
  await buildServer(); // the controller runs as npm start runs it: the JavaScript build in dist/
  const env = Object.fromEntries((values['controller-env'] ?? []).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--controller-env ${kv}: expected KEY=VALUE`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }));
  setControllerEnv(env);
  if (asked !== undefined || values.profile !== undefined || Object.keys(env).length > 0) log(`controller started with node ${nodeArgs.join(' ')} and ${JSON.stringify(env)}: not the defaults`);
  const kinds = values.kinds === undefined ? undefined : values.kinds.split(',') as LoadKind[];
  for (const k of kinds ?? []) if (!LOAD_KINDS.includes(k)) throw new Error(`--kinds: "${k}" is not one of ${LOAD_KINDS.join(', ')}`);
  const billingHistory = values['billing-history'] === undefined ? undefined : Number(values['billing-history']);
  if (billingHistory !== undefined && !(Number.isInteger(billingHistory) && billingHistory >= 0 && billingHistory <= 12)) {
    throw new Error('--billing-history: a number of months from 0 to 12');
  }
  const ctx: BenchContext = { signal: abort.signal, log, ...(kinds === undefined ? {} : { kinds }), ...(billingHistory === undefined ? {} : { billingHistory }) };
  log(`${cpus().length} CPU(s), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; scenarios: ${scenarios.map((s) => s.name).join(', ')}`);

  const rows: Array<{ def: MetricDef; value?: number; unavailable?: string }> = [];
  const notes: string[] = [];
  const problems: string[] = [];
  const emit = (m: Measured) => {
    if (values.json) process.stdout.write(`${JSON.stringify({ metric: m.metric, value: m.value, unit: m.unit })}\n`);
  };
  for (const scenario of scenarios) {
    if (abort.signal.aborted) break;
    const before = { at: Date.now(), busy: machineBusyMs(), own: ownTreeCpuMs() };
    try {
      const result = await scenario.run(ctx);
      for (const m of result.values) {
        if (wanted !== null && !wanted.has(m.metric)) continue;
        emit(m);
        rows.push({ def: scenario.metrics.find((d) => d.name === m.metric) ?? { name: m.metric, unit: m.unit, what: '' }, value: m.value });
      }
      notes.push(...result.notes);
      problems.push(...result.problems);
    } catch (err) {
      if (abort.signal.aborted) break;
      problems.push(`${scenario.name}: failed: ${(err as Error).message}`);
      log(`${scenario.name} failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      await cleanupAll(); // whatever a failed scenario left behind
    }
    // Other work on the machine competes for the same 2 cores: say how much there was.
    const seconds = (Date.now() - before.at) / 1000;
    const foreign = Math.max(0, (machineBusyMs() - before.busy - (ownTreeCpuMs() - before.own)) / 10 / seconds);
    notes.push(`${scenario.name}: ${seconds.toFixed(0)} s; other processes on the machine used ${foreign.toFixed(0)} % of a core meanwhile` +
      `${foreign > 15 ? ' (⚠ the figures above are disturbed by them)' : ''}`);
  }
  for (const m of unavailable) {
    rows.push({ def: m, unavailable: m.reason });
    if (values.json) log(`${m.name}: ${m.reason}; left out of the JSON output`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (values.json) for (const n of notes) log(n); // the context of the figures, beside the JSON
  else process.stdout.write(`\n${renderTable(rows, notes)}\n`);
  for (const p of problems) process.stderr.write(`bench: PROBLEM: ${p}\n`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    process.stderr.write(`bench: ${err.message}\n`);
    await cleanupAll();
    process.exit(2);
  },
);
