import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BUILDING_FILE, readBuildingDevices } from '../building-devices.js';
import { DemoBookings, type BookingSummary } from './bookings.js';
import { writeDemoBuilding } from './building-file.js';
import { DemoPlayer, type DaySummary } from './play.js';
import { prepareDataDir, startController, type RunningController } from './product.js';
import { clockText, generateDay, type DemoDay } from './scenario.js';
import { DemoApi, provisionAll, seedBuilding } from './seed.js';

/**
 * `npm run demo`: the product with its embedded broker and a fresh demo database, the Ménil-Flin
 * building seeded through the API, and a scripted day played by firmware-sim's devices on an
 * accelerated clock. The only file of firmware-sim that reads process.env.
 *
 *   tsx firmware-sim/demo/run.ts [--seed N] [--speed N] [--exit-after S]
 * Environment: HTTP_PORT (3000), MQTT_PORT (1883), DATA_DIR (./data-demo), ADMIN_PASSWORD (generated).
 */

const USAGE = `usage: npm run demo -- [--seed N] [--speed N] [--exit-after S]
  --seed N        the day to play: same seed, same day (default 1)
  --speed N       simulated seconds per real second (default 120: one simulated minute every 0.5 s)
  --exit-after S  stop everything and exit 0 after S seconds (default: run until Ctrl-C)
environment: HTTP_PORT (3000), MQTT_PORT (1883), DATA_DIR (./data-demo, emptied at each run),
             ADMIN_PASSWORD (generated and printed when unset)`;

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function options(): { seed: number; speed: number; exitAfterS: number | undefined } | null {
  const { values } = parseArgs({
    options: { seed: { type: 'string', default: '1' }, speed: { type: 'string', default: '120' }, 'exit-after': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) return null;
  const seed = Number(values.seed);
  const speed = Number(values.speed);
  const exitAfterS = values['exit-after'] === undefined ? undefined : Number(values['exit-after']);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  if (!(speed > 0 && speed <= 100_000)) throw new Error(`--speed must be a number above 0 (and at most 100000), got ${values.speed}`);
  if (exitAfterS !== undefined && !(exitAfterS > 0)) throw new Error(`--exit-after must be a number of seconds above 0, got ${values['exit-after']}`);
  return { seed, speed, exitAfterS };
}

/** Door labels for the printed lines, and the time zone, from the building file. */
function readLabels(file: string): { timeZone: string; doorNames: Map<string, string> } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    site: { timeZone: string }; zones: Array<{ id: string; kind: string }>; doors: Array<{ id: string; name: string; to: string }>;
  };
  const kinds = new Map(json.zones.map((z) => [z.id, z.kind]));
  const label = (d: { name: string; to: string }): string => {
    const kind = kinds.get(d.to);
    if (kind === 'meeting') return `meeting room ${d.name}`;
    if (kind === 'office') return d.name.toLowerCase();
    return `the ${d.name.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}`;
  };
  return { timeZone: json.site.timeZone, doorNames: new Map(json.doors.map((d) => [d.id, label(d)])) };
}

function printSummary(day: DemoDay, s: DaySummary, present: Array<{ name: string | null }> | null, b: BookingSummary | null): void {
  const denied = Object.entries(s.denied).map(([reason, n]) => `${reason} ${n}`).join(', ');
  out();
  out(`== The day is over: ${clockText(day.start)} to ${clockText(day.end)} simulated (seed ${day.seed}) in ${s.realS} s ==`);
  out(`  badges: ${s.badges} presented, ${s.granted} granted, ${s.badges - s.granted} refused${denied ? ` (${denied})` : ''}; ${s.exits} badged out`);
  out(`  decided alone by a reader cut off from the network: ${s.offline}, of which ${s.offlineUploaded} reached the controller when its link came back`);
  out(`  desks: ${s.deskChanges} sensor changes, ${s.checkins} check-ins; low battery: ${s.lowBattery.join(', ') || 'none'}`);
  out(`  network: ${(s.bytes / 1e9).toFixed(2)} GB counted by the meters`);
  out(`  forgot to badge out: ${s.forgotten.join(', ') || 'nobody'} (the nightly cut-off checks them out)`);
  if (b !== null) {
    out(`  bookings (on the controller's clock): ${b.made} made; checked in: ${b.checkedIn.join(', ') || 'none'}`);
    out(`    released, nobody came: ${b.released.join(', ') || 'none'}; overrun notices: ${b.overruns.join(', ') || 'none'}${b.pending.length > 0 ? `; still awaited: ${b.pending.join(', ')}` : ''}`);
  }
  if (present !== null) out(`  in the building now, per the controller: ${present.length}${present.length > 0 ? ` (${present.map((p) => p.name ?? '?').join(', ')})` : ''}`);
}

async function main(): Promise<number> {
  const opts = options();
  if (opts === null) {
    out(USAGE);
    return 0;
  }
  const env = process.env;
  const httpPort = env.HTTP_PORT ?? '3000';
  const mqttPort = env.MQTT_PORT ?? '1883';
  const password = env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  if (password.length < 12) throw new Error('ADMIN_PASSWORD must have at least 12 characters');
  if (env.MQTT_URL) err('MQTT_URL is ignored: the demo runs the embedded broker');
  const data = prepareDataDir(env.DATA_DIR ?? './data-demo');
  const buildingFile = writeDemoBuilding(DEFAULT_BUILDING_FILE, data.path);
  const building = readBuildingDevices(DEFAULT_BUILDING_FILE);
  const { timeZone, doorNames } = readLabels(DEFAULT_BUILDING_FILE);
  const day = generateDay(opts.seed, building);
  out(`Ménil-Flin demo: seed ${opts.seed}, speed x${opts.speed}; fresh database in ${data.path}`);

  let controller: RunningController | null = null;
  let controllerStart: Promise<RunningController> | null = null;
  let player: DemoPlayer | null = null;
  let bookings: DemoBookings | null = null;
  let stopping: Promise<void> | null = null;
  let exitCode = 0;
  const shutdown = (why: string, code: number): Promise<void> => {
    if (stopping !== null) return stopping;
    exitCode = code;
    out(`\n${why}: stopping the devices, then the controller`);
    stopping = (async () => {
      bookings?.stop();
      await player?.stop();
      const running = controller ?? await controllerStart?.catch(() => null); // still starting: wait for it, then stop it
      const controllerCode = await running?.stop();
      out(`stopped (controller exit code ${controllerCode ?? 'n/a'})`);
      if (controllerCode !== 0 && controllerCode !== undefined && exitCode === 0) exitCode = 1;
    })();
    return stopping;
  };
  const finished = new Promise<void>((resolve) => {
    let firstSignalAt = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      // A second Ctrl-C (not the echo of the first, which npm and tsx may relay) exits at once.
      if (firstSignalAt > 0 && Date.now() - firstSignalAt > 1_000) {
        controller?.kill();
        process.exit(1);
      }
      firstSignalAt ||= Date.now();
      void shutdown(signal, 0).then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', () => controller?.kill()); // never leave the controller behind
    if (opts.exitAfterS !== undefined) {
      // Counted from the start of the process, as the one who runs the demo counts.
      setTimeout(() => void shutdown(`--exit-after ${opts.exitAfterS}`, 0).then(resolve), Math.max(0, opts.exitAfterS * 1000 - process.uptime() * 1000)).unref();
    }
    void (async () => {
      const { HTTP_PORT: _h, MQTT_PORT: _m, DATA_DIR: _d, MQTT_URL: _u, MQTT_USERNAME: _n, MQTT_PASSWORD: _p, BUILDING_FILE: _b, ...rest } = env;
      controllerStart = startController({
        env: { ...rest, HTTP_PORT: httpPort, MQTT_PORT: mqttPort, DATA_DIR: data.path, BUILDING_FILE: buildingFile, ADMIN_PASSWORD: password, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
        logFile: join(data.path, 'controller.log'), onError: err,
      });
      controller = await controllerStart;
      void controller.exited.then((code) => {
        if (stopping === null) void shutdown(`the controller stopped on its own (exit code ${code})`, 1).then(resolve);
      });
      if (stopping !== null) return;
      const api = await DemoApi.login(controller.httpUrl, 'admin', password);
      const seeded = await seedBuilding(api, day, { now: Date.now(), timeZone });
      const secrets = await provisionAll(api);
      const c = seeded.counts;
      out(`seeded through the API: ${c.people} people with badges (${c.passes} visitor passes), ${c.sessions} training sessions, ${c.laptops} laptops; ${secrets.size} devices provisioned`);
      if (stopping !== null) return;
      const realTime = (): string => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now());
      player = new DemoPlayer({
        day, building, secrets, brokerUrl: controller.mqttUrl, speed: opts.speed, doorNames, print: out, warn: (line) => err(`  ! ${line}`),
        afterDayTime: () => `(${realTime()} real)`,
        checkin: async (deskId, key) => {
          const personId = seeded.personIds.get(key);
          if (personId !== undefined) await api.call('POST', `/api/desks/${deskId}/checkin`, { personId });
        },
      });
      await player.start();
      if (stopping !== null) return;
      const dashboardUrl = `http://localhost:${new URL(controller.httpUrl).port}/`;
      out(`${player.devices.size} devices connected over MQTT to ${controller.mqttUrl}`);
      out(`\n  Dashboard: ${dashboardUrl}   login: admin / ${password}`);
      out(`  The day runs ${opts.speed} times faster than real time; the controller itself keeps real time.`);
      out(`  Bookings follow the controller's clock, with the rules of ${buildingFile}: 5-minute slots, a 1-minute no-show grace.`);
      out(`  Controller log: ${join(data.path, 'controller.log')}. Ctrl-C stops the devices, then the controller.\n`);
      out(`demo ready ${JSON.stringify({ httpUrl: controller.httpUrl, mqttUrl: controller.mqttUrl, dashboardUrl, username: 'admin', seed: opts.seed, speed: opts.speed, dataDir: data.path })}`);
      const playing = player;
      bookings = new DemoBookings({
        api, day, personIds: seeded.personIds, timeZone, perform: (a) => playing.perform(a), warn: (line) => err(`  ! ${line}`),
        line: (text) => out(`${playing.time}  ${text}`),
      });
      await bookings.make();
      if (stopping !== null) return;
      bookings.start();
      const summary = await player.play();
      if (stopping !== null) return;
      const awaited = bookings.pending();
      if (awaited.length > 0) {
        const last = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Math.max(...awaited.map((a) => a.dueAt)) + 59_999); // rounded up to the minute
        out(`\nThe day's last action is played; waiting for the controller's verdict on ${awaited.map((a) => a.what).join(' and ')} (due by ${last}, real time)`);
        await bookings.settled();
        if (stopping !== null) return;
      }
      const presence = await api.call<{ people: Array<{ name: string | null }> }>('GET', '/api/presence').catch(() => null);
      printSummary(day, summary, presence?.people ?? null, bookings.summary());
      out('\nThe controller keeps running: the dashboard stays up until Ctrl-C.');
    })().catch((e: Error) => {
      if (stopping === null) err(`demo: ${e.message}`); // once stopping, what was under way fails as expected
      void shutdown('error', 1).then(resolve);
    });
  });
  await finished;
  return exitCode;
}

main().then((code) => process.exit(code), (e: Error) => {
  err(`demo: ${e.message}`);
  process.exit(1);
});
