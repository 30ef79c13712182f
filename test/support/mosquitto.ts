import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSiteId } from '../../gateway/protocol/topics.js';

/**
 * A real Mosquitto for the integration tests, on an ephemeral port of 127.0.0.1, configured the
 * way docs/deployment.md tells an operator to configure an external broker: no anonymous client,
 * client id = username, the protocol's ACL, 64 KiB packets, keepalive at most 300 s.
 */

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';

const defaults = {
  host: '127.0.0.1',
  maxPacketSize: 65_536, // bytes: 64 KiB, the protocol's limit (docs/protocol.md)
  maxKeepalive: 300, // 5 minutes, the protocol's upper keepalive bound
  readyTimeoutMs: 10_000, // 10 s for the broker to accept connections
  readyPollMs: 25, // 25 ms between connection attempts while waiting
  stopTimeoutMs: 5_000, // 5 s between SIGTERM and SIGKILL
  portAttempts: 3, // the free port found by binding port 0 may be taken before mosquitto binds it
};

export interface MosquittoUser {
  username: string;
  password: string;
}

export interface StartMosquittoOptions {
  /** Site id of the topic tree, e.g. `menil-flin`. */
  site: string;
  /** Every client that may connect, devices and the controller alike. */
  users: MosquittoUser[];
  /** Which of the users is the controller (its ACL differs from a device's). */
  controllerUsername: string;
}

export interface RunningMosquitto {
  /** `mqtt://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Kills the broker and removes its temporary folder. Safe to call twice. */
  stop(): Promise<void>;
  /** Adds (or changes the password of) a user, rewrites the password file and reloads with SIGHUP. */
  addUser(username: string, password: string): Promise<void>;
  /** What the broker wrote on stderr so far (log_dest stderr), for failing tests. */
  log(): string;
}

/** True when the Mosquitto broker and its password tool are installed. */
export function mosquittoAvailable(): boolean {
  if (!existsSync(MOSQUITTO_BIN) || !existsSync(MOSQUITTO_PASSWD_BIN)) return false;
  return spawnSync(MOSQUITTO_BIN, ['-h'], { stdio: 'ignore', timeout: 5_000 }).error === undefined;
}

/** The ACL file of the protocol: the same rules as gateway/protocol/acl.ts, as far as Mosquitto can express them. */
export function mosquittoAcl(site: string, controllerUsername: string): string {
  return [
    '# Ménil-Flin protocol v1 ACL. Nothing is allowed that is not listed here.',
    '# Devices: %u is the username, which is also the client id (use_username_as_clientid true).',
    `pattern write mf/v1/${site}/%u/up/#`,
    `pattern write mf/v1/${site}/%u/status`,
    `pattern read mf/v1/${site}/%u/down/#`,
    '',
    '# The controller: reads every uplink and status, writes every downlink.',
    `user ${controllerUsername}`,
    `topic read mf/v1/${site}/+/up/#`,
    `topic read mf/v1/${site}/+/status`,
    `topic write mf/v1/${site}/+/down/#`,
    '',
  ].join('\n');
}

function mosquittoConf(dir: string, port: number): string {
  const lines = [
    `listener ${port} ${defaults.host}`,
    'allow_anonymous false',
    `password_file ${join(dir, 'passwd')}`,
    `acl_file ${join(dir, 'acl')}`,
    'persistence false',
    // the client id is replaced by the username: a device cannot take over another's session
    'use_username_as_clientid true',
    `max_packet_size ${defaults.maxPacketSize}`,
    `max_keepalive ${defaults.maxKeepalive}`,
    // as docs/deployment.md: the controller's session must hold a burst, not drop past 1000 queued
    'max_queued_messages 100000',
    'max_inflight_messages 100',
    // as docs/deployment.md: a door's access answer must not wait for the ACK of the previous packet
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'log_timestamp true',
  ];
  // As root, mosquitto drops to the `mosquitto` user, which cannot read our 0700 temp folder.
  if (process.getuid?.() === 0) lines.push('user root');
  return `${lines.join('\n')}\n`;
}

function validateUser(user: MosquittoUser): void {
  // the password file is `username:hash` lines; ACL %u patterns never match names with / + #
  if (!/^[^:\s/+#]+$/.test(user.username)) throw new Error(`invalid MQTT username "${user.username}"`);
  if (/[\r\n]/.test(user.password) || user.password.length === 0) throw new Error(`invalid password for "${user.username}"`);
}

/** Writes plain `user:password` lines, then lets mosquitto_passwd hash them in place (no secret on a command line). */
async function writePasswordFile(file: string, users: Map<string, string>): Promise<void> {
  const text = [...users].map(([u, p]) => `${u}:${p}\n`).join('');
  await writeFile(file, text, { mode: 0o600 });
  const res = spawnSync(MOSQUITTO_PASSWD_BIN, ['-U', file], { encoding: 'utf8', timeout: 10_000 });
  if (res.error !== undefined || res.status !== 0) {
    throw new Error(`mosquitto_passwd -U failed: ${res.error?.message ?? res.stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, defaults.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: defaults.host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Brokers still running: killed when the test process exits without calling stop(), so none is orphaned. */
const running = new Map<ChildProcess, string>();
let exitGuard = false;
function track(child: ChildProcess, dir: string): void {
  running.set(child, dir);
  child.once('exit', () => running.delete(child));
  if (exitGuard) return;
  exitGuard = true;
  process.once('exit', () => {
    for (const [proc, folder] of running) {
      proc.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when this broker says it runs and the port accepts connections (the log line matters: had
 * another process taken the port meanwhile, the connection alone would succeed while mosquitto exits).
 * Rejects when the process exits first or the time is up.
 */
async function waitReady(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + defaults.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log()}`);
    }
    if (/ running$/m.test(log()) && (await canConnect(port))) return;
    await sleep(defaults.readyPollMs);
  }
  throw new Error(`mosquitto did not accept connections on port ${port} within ${defaults.readyTimeoutMs} ms:\n${log()}`);
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), defaults.stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startMosquitto(options: StartMosquittoOptions): Promise<RunningMosquitto> {
  if (!isSiteId(options.site)) throw new Error(`invalid site id "${options.site}"`);
  if (!options.users.some((u) => u.username === options.controllerUsername)) {
    throw new Error(`controllerUsername "${options.controllerUsername}" is not among the users`);
  }
  const users = new Map<string, string>();
  for (const user of options.users) {
    validateUser(user);
    users.set(user.username, user.password);
  }

  const dir = await mkdtemp(join(tmpdir(), 'mf-mosquitto-'));
  const passwordFile = join(dir, 'passwd');
  try {
    await writePasswordFile(passwordFile, users);
    await writeFile(join(dir, 'acl'), mosquittoAcl(options.site, options.controllerUsername), { mode: 0o600 });

    let lastError: unknown;
    for (let attempt = 0; attempt < defaults.portAttempts; attempt++) {
      const port = await freePort();
      const confFile = join(dir, 'mosquitto.conf');
      await writeFile(confFile, mosquittoConf(dir, port), { mode: 0o600 });
      const child = spawn(MOSQUITTO_BIN, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
      });
      const log = () => stderr;
      track(child, dir);
      try {
        await waitReady(child, port, log);
      } catch (err) {
        lastError = err;
        await killAndWait(child);
        continue; // most likely the port was taken meanwhile: try another one
      }

      let stopped: Promise<void> | undefined;
      return {
        url: `mqtt://${defaults.host}:${port}`,
        port,
        log,
        addUser: async (username, password) => {
          validateUser({ username, password });
          users.set(username, password);
          await writePasswordFile(passwordFile, users);
          const reloaded = new Promise<void>((resolve) => {
            // mosquitto logs "Reloading config." on SIGHUP and reloads in the same turn of its single-threaded
            // loop, before it reads any socket: once the line is out, the next CONNECT sees the new users.
            const start = stderr.length;
            const timer = setInterval(() => {
              if (stderr.indexOf('Reloading config', start) !== -1) done();
            }, 10);
            const fallback = setTimeout(done, 1_000);
            function done() {
              clearInterval(timer);
              clearTimeout(fallback);
              resolve();
            }
          });
          child.kill('SIGHUP');
          await reloaded;
        },
        stop: () => {
          stopped ??= (async () => {
            await killAndWait(child);
            await rm(dir, { recursive: true, force: true });
          })();
          return stopped;
        },
      };
    }
    throw lastError instanceof Error ? lastError : new Error('mosquitto did not start');
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
