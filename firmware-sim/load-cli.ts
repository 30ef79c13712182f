import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isDeviceId, isSiteId } from '../gateway/protocol/index.js';
import { LOAD_KINDS, LoadGenerator, loadDefaults, type LoadDevice, type LoadKind, type LoadProgress, type LoadResult } from './load.js';

/**
 * Load generator: up to 10,000 devices over real MQTT connections, a chosen total message rate, one
 * progress line per second, and a bounded run.
 *
 *   npm run load -- --broker mqtt://127.0.0.1:1883 --credentials creds.json --devices 2000 --rate 5000 --duration 30
 *   npm run load -- --credentials creds.json --max --count 100000 --inflight 4        (as fast as the broker acknowledges)
 *   npm run load -- --credentials creds.json --rate 0 --duration 60                   (only hold the connections)
 *
 * creds.json is the file `npm run provision` writes: { "site": "menil-flin", "devices": { "<deviceId>": "<secret>" } }.
 * --json prints one JSON object per line instead (progress, then {"result": ...}), for the bench.
 */

const USAGE = `usage: npm run load -- --credentials FILE [--broker URL] [--site ID] [--devices N] [--prefix P]
       (--rate MSG_PER_S | --max) [--count N] [--duration S] [--inflight N] [--batch N]
       [--duplicate-every N] [--kinds heartbeat,desk,net] [--no-birth] [--json]`;

const MAX_DEVICES = 10_000;
const MAX_DURATION_S = 3_600; // 1 hour: the run always ends by itself

function readCredentials(file: string): { site?: string; devices: LoadDevice[] } {
  let root: unknown;
  try {
    root = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`credentials file ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const obj = root as { site?: unknown; devices?: unknown } | null;
  if (typeof obj !== 'object' || obj === null || typeof obj.devices !== 'object' || obj.devices === null) {
    throw new Error(`credentials file ${file}: expected { "site": "...", "devices": { "<deviceId>": "<secret>" } }`);
  }
  const devices: LoadDevice[] = [];
  for (const [id, secret] of Object.entries(obj.devices)) {
    if (!isDeviceId(id) || typeof secret !== 'string' || secret.length === 0) throw new Error(`credentials file ${file}: bad entry for "${id}"`);
    devices.push({ id, secret });
  }
  devices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return typeof obj.site === 'string' ? { site: obj.site, devices } : { devices };
}

function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function progressLine(p: LoadProgress): string {
  return `[${p.elapsedS.toFixed(1).padStart(6)} s] ${p.phase.padEnd(10)} connected ${fmt(p.connected)}/${fmt(p.devices)}` +
    `${p.failed > 0 ? ` (failed ${fmt(p.failed)})` : ''}  sent ${fmt(p.sent)}  acked ${fmt(p.acked)}  rate ${fmt(p.ratePerS)}/s` +
    `  inflight ${fmt(p.inflight)}${p.errors > 0 ? `  errors ${fmt(p.errors)}` : ''}`;
}

function resultLine(r: LoadResult): string {
  return `done: ${fmt(r.peakConnected)} device(s) connected in ${(r.connectMs / 1000).toFixed(1)} s; ${fmt(r.acked)} of ${fmt(r.sent)} uplinks ` +
    `acknowledged (${fmt(r.duplicates)} repeats) in ${(r.publishMs / 1000).toFixed(1)} s: ${fmt(r.ackRatePerS)}/s` +
    `${r.lastError === undefined ? '' : `; last error: ${r.lastError}`}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      credentials: { type: 'string' },
      site: { type: 'string' },
      devices: { type: 'string' },
      prefix: { type: 'string' },
      rate: { type: 'string' },
      max: { type: 'boolean', default: false },
      count: { type: 'string' },
      duration: { type: 'string', default: String(loadDefaults.durationS) },
      inflight: { type: 'string' },
      batch: { type: 'string' },
      'duplicate-every': { type: 'string' },
      kinds: { type: 'string' },
      'no-birth': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || values.credentials === undefined || (values.rate === undefined && !values.max)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const creds = readCredentials(values.credentials);
  const site = values.site ?? creds.site ?? 'menil-flin';
  if (!isSiteId(site)) throw new Error(`"${site}" is not a site id`);
  const pool = values.prefix === undefined ? creds.devices : creds.devices.filter((d) => d.id.startsWith(values.prefix as string));
  const wanted = int('devices', values.devices, 1, MAX_DEVICES) ?? Math.min(pool.length, MAX_DEVICES);
  if (pool.length < wanted) throw new Error(`${values.credentials} has ${pool.length} matching device(s), ${wanted} wanted`);
  const kinds = (values.kinds ?? LOAD_KINDS.join(',')).split(',') as LoadKind[];
  for (const k of kinds) if (!LOAD_KINDS.includes(k)) throw new Error(`--kinds: "${k}" is not one of ${LOAD_KINDS.join(', ')}`);
  const rate = values.max ? 'max' : int('rate', values.rate, 0, 1_000_000) as number;
  const count = int('count', values.count, 1, 100_000_000);
  const inflight = int('inflight', values.inflight, 1, 1_000);
  const batch = int('batch', values.batch, 1, MAX_DEVICES);
  const duplicateEvery = int('duplicate-every', values['duplicate-every'], 2, 1_000_000);

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130); // a second Ctrl-C: leave at once
    process.stderr.write(`load: ${signal}, stopping\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const generator = new LoadGenerator({
    brokerUrl: values.broker, site, devices: pool.slice(0, wanted), rate, kinds, birth: !values['no-birth'],
    durationS: int('duration', values.duration, 0, MAX_DURATION_S) as number,
    ...(count === undefined ? {} : { count }),
    ...(inflight === undefined ? {} : { inflightPerDevice: inflight }),
    ...(batch === undefined ? {} : { batchSize: batch }),
    ...(duplicateEvery === undefined ? {} : { duplicateEvery }),
    signal: abort.signal,
    onProgress: (p) => out(values.json ? JSON.stringify({ progress: p }) : progressLine(p)),
  });
  if (!values.json) out(`load: ${fmt(wanted)} device(s) on ${values.broker}, site ${site}, rate ${rate === 'max' ? 'max' : `${fmt(rate)}/s`}`);
  const result = await generator.run();
  out(values.json ? JSON.stringify({ result }) : resultLine(result));
  return result.peakConnected === 0 && wanted > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`load: ${err.message}\n`);
    process.exit(1);
  },
);
