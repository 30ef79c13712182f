import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isDeviceId, isSiteId } from '../gateway/protocol/index.js';
import { DEFAULT_BUILDING_FILE, readBuildingDevices } from './building-devices.js';
import type { SimDevice } from './device.js';
import type { SimLogger } from './events.js';
import { createSimDevice } from './fleet.js';

/**
 * Runs simulated devices of a building against a broker:
 *   tsx firmware-sim/cli.ts --broker mqtt://127.0.0.1:1883 --credentials creds.json [--device ID ...]
 *                           [--building path] [--site menil-flin] [--heartbeat 30]
 * creds.json: { "site": "menil-flin", "devices": { "<deviceId>": "<secret>" } }
 * Without --device, every device of the building file that has a secret runs.
 */

const USAGE = 'usage: tsx firmware-sim/cli.ts --broker URL --credentials FILE [--device ID ...] [--building FILE] [--site ID] [--heartbeat S]';

interface Credentials {
  site?: string;
  devices: Map<string, string>;
}

function readCredentials(file: string): Credentials {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`credentials file ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const root = json as { site?: unknown; devices?: unknown } | null;
  if (typeof root !== 'object' || root === null || typeof root.devices !== 'object' || root.devices === null) {
    throw new Error(`credentials file ${file}: expected { "site": "...", "devices": { "<deviceId>": "<secret>" } }`);
  }
  const devices = new Map<string, string>();
  for (const [id, secret] of Object.entries(root.devices)) {
    if (!isDeviceId(id) || typeof secret !== 'string' || secret.length === 0) throw new Error(`credentials file ${file}: bad entry for "${id}"`);
    devices.set(id, secret);
  }
  if (root.site !== undefined && (typeof root.site !== 'string' || !isSiteId(root.site))) throw new Error(`credentials file ${file}: bad site`);
  return root.site === undefined ? { devices } : { site: root.site as string, devices };
}

const stamp = (line: string): string => `${new Date().toISOString()} ${line}`;
const logger: SimLogger = {
  info: (msg) => process.stdout.write(`${stamp(msg)}\n`),
  warn: (msg) => process.stderr.write(`${stamp(msg)}\n`),
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      credentials: { type: 'string' },
      device: { type: 'string', multiple: true },
      building: { type: 'string', default: DEFAULT_BUILDING_FILE },
      site: { type: 'string' },
      heartbeat: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || values.credentials === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const building = readBuildingDevices(values.building);
  const creds = readCredentials(values.credentials);
  const site = values.site ?? creds.site ?? building.site;
  if (!isSiteId(site)) throw new Error(`"${site}" is not a site id`);
  const heartbeatIntervalS = values.heartbeat === undefined ? undefined : Number(values.heartbeat);
  if (heartbeatIntervalS !== undefined && !(Number.isInteger(heartbeatIntervalS) && heartbeatIntervalS >= 1 && heartbeatIntervalS <= 3600)) {
    throw new Error('--heartbeat must be an integer number of seconds between 1 and 3600');
  }

  const wanted = values.device ?? building.devices.filter((d) => creds.devices.has(d.deviceId)).map((d) => d.deviceId);
  const devices: SimDevice[] = [];
  for (const id of wanted) {
    const spec = building.devices.find((d) => d.deviceId === id);
    const secret = creds.devices.get(id);
    if (spec === undefined) throw new Error(`device "${id}" is not in building file ${values.building}`);
    if (secret === undefined) throw new Error(`device "${id}" has no secret in ${values.credentials}`);
    devices.push(createSimDevice(spec, secret, { brokerUrl: values.broker, site, logger, ...(heartbeatIntervalS ? { heartbeatIntervalS } : {}) }));
  }
  if (devices.length === 0) throw new Error(`no device to run: none of the building's devices has a secret in ${values.credentials}`);
  logger.info(`firmware-sim: ${devices.length} device(s) on ${values.broker}, site ${site}`);

  let stopping: Promise<void> | null = null;
  const stopAll = (signal: string): void => {
    if (stopping !== null) {
      logger.warn(`firmware-sim: ${signal} again, exiting at once`);
      process.exit(1);
    }
    logger.info(`firmware-sim: ${signal}, stopping ${devices.length} device(s)`);
    stopping = Promise.allSettled(devices.map((d) => d.stop())).then(() => {
      logger.info('firmware-sim: stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  const results = await Promise.allSettled(devices.map((d) => d.start()));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${devices[i]?.deviceId}: ${(r.reason as Error).message}`] : []));
  for (const line of failed) logger.warn(`firmware-sim: ${line}`);
  if (failed.length === devices.length && stopping === null) return 1;
  return -1; // keep running until a signal
}

main().then(
  (code) => { if (code >= 0) process.exit(code); },
  (err: Error) => {
    process.stderr.write(`firmware-sim: ${err.message}\n`);
    process.exit(1);
  },
);
