import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The product under the demo: its data folder (fresh each run, and only ever a folder the demo
 * made itself) and the controller as a child process, started as `npm start` starts it.
 */

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The file that marks a data folder as the demo's own: only such a folder is ever deleted. */
export const DEMO_MARKER = '.menil-flin-demo';

export const productDefaults = {
  startTimeoutMs: 60_000, // 1 minute for the controller to say it started
  stopTimeoutMs: 15_000, // 15 s for a clean stop after SIGTERM, then SIGKILL
};

/**
 * Makes `dir` an empty data folder marked as the demo's: created if missing, emptied if it holds
 * the marker, adopted if it is empty. Any other folder is left alone and refused.
 */
export function prepareDataDir(dir: string): { path: string; was: 'created' | 'reset' | 'adopted' } {
  const path = resolve(dir);
  let was: 'created' | 'reset' | 'adopted';
  if (!existsSync(path)) {
    was = 'created';
  } else {
    if (!statSync(path).isDirectory()) throw new Error(`DATA_DIR ${path} exists and is not a folder`);
    if (existsSync(join(path, DEMO_MARKER))) {
      rmSync(path, { recursive: true, force: true });
      was = 'reset';
    } else if (readdirSync(path).length === 0) {
      was = 'adopted';
    } else {
      throw new Error(`DATA_DIR ${path} is not empty and was not made by the demo (no ${DEMO_MARKER} in it): it is left alone. `
        + 'Set DATA_DIR to another folder (the demo starts from a fresh database each time).');
    }
  }
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, DEMO_MARKER), 'Made by `npm run demo`: emptied at every run of the demo.\n');
  return { path, was };
}

export interface RunningController {
  httpUrl: string;
  mqttUrl: string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after stopTimeoutMs; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** At once and synchronously, for process exit handlers. */
  kill(): void;
}

export interface ControllerOptions {
  /** The whole environment of the child. */
  env: NodeJS.ProcessEnv;
  /** Where the controller's JSON log lines go. */
  logFile: string;
  /** Log lines at error level or above, and the controller's stderr. */
  onError: (line: string) => void;
  startTimeoutMs?: number;
}

/** What `npm start` runs (package.json's "start"): the controller built to JavaScript by `npm run build:server`. */
const START = ['--max-semi-space-size=1', 'dist/controller/main.js'];

/**
 * Starts the controller as `npm start` does, in its own process group (a Ctrl-C in the
 * terminal reaches the demo, which stops the devices first and then the controller), and waits
 * for its "controller started" line.
 */
export function startController(opts: ControllerOptions): Promise<RunningController> {
  const child: ChildProcess = spawn(process.execPath, START, {
    cwd: REPO_ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code, signal) => {
      log.end();
      done(code ?? (signal === null ? null : 128));
    });
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => { timer = setTimeout(r, productDefaults.stopTimeoutMs); });
    const first = await Promise.race([exited.then(() => 'exited' as const), late.then(() => 'late' as const)]);
    clearTimeout(timer);
    if (first === 'late') {
      opts.onError(`the controller did not stop within ${productDefaults.stopTimeoutMs / 1000} s: killed`);
      kill();
    }
    return exited;
  };
  createInterface({ input: child.stderr as NonNullable<ChildProcess['stderr']> }).on('line', (line) => opts.onError(`controller: ${line}`));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`the controller did not start within ${(opts.startTimeoutMs ?? productDefaults.startTimeoutMs) / 1000} s (log: ${opts.logFile})`));
    }, opts.startTimeoutMs ?? productDefaults.startTimeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the controller exited (code ${code}) before it started; its log is ${opts.logFile}`));
    });
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
      log.write(`${line}\n`);
      let entry: { level?: number; msg?: string; httpUrl?: string; mqttUrl?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) opts.onError(`controller error: ${entry.msg ?? line}`);
      if (entry.msg === 'controller started' && entry.httpUrl !== undefined && entry.mqttUrl !== undefined) {
        clearTimeout(timer);
        resolveStart({ httpUrl: entry.httpUrl, mqttUrl: entry.mqttUrl, exited, stop, kill });
      }
    });
  });
}
