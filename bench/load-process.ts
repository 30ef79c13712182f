import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadKind, LoadProgress, LoadResult } from '../firmware-sim/load.js';
import { spawnTs, stopProcess, tempDir, type Spawned } from './processes.js';

/**
 * The load generator (firmware-sim/load-cli.ts) in a child process of its own, so that thousands of
 * client sockets never share an event loop with what measures.
 */

export interface LoadRun {
  proc: Spawned;
  /** The latest progress line. */
  latest(): LoadProgress | undefined;
  /** Resolves when a progress line satisfies the predicate; rejects on timeout or when the child ends first. */
  waitFor(check: (p: LoadProgress) => boolean, timeoutMs: number, what: string): Promise<LoadProgress>;
  /** The child's final summary (it ends by itself at its count or duration). */
  result: Promise<LoadResult>;
  /** SIGTERM: the generator stops publishing, drains, disconnects and prints its summary. */
  stop(): Promise<LoadResult>;
}

export interface LoadArgs {
  brokerUrl: string;
  secrets: Map<string, string>;
  site?: string;
  rate: number | 'max';
  count?: number;
  durationS: number;
  inflight?: number;
  batch?: number;
  duplicateEvery?: number;
  birth?: boolean;
  kinds?: readonly LoadKind[];
}

/** Writes the credentials file (mode 0600: it holds secrets) the way `npm run provision` does. */
export function writeCredentials(secrets: Map<string, string>, site = 'menil-flin'): string {
  const file = join(tempDir('mf-bench-creds-'), 'creds.json');
  writeFileSync(file, JSON.stringify({ site, devices: Object.fromEntries(secrets) }), { mode: 0o600 });
  return file;
}

export function startLoad(args: LoadArgs): LoadRun {
  const file = writeCredentials(args.secrets, args.site);
  const cli = [
    '--broker', args.brokerUrl, '--credentials', file, '--json', '--duration', String(args.durationS),
    ...(args.rate === 'max' ? ['--max'] : ['--rate', String(args.rate)]),
    ...(args.count === undefined ? [] : ['--count', String(args.count)]),
    ...(args.inflight === undefined ? [] : ['--inflight', String(args.inflight)]),
    ...(args.batch === undefined ? [] : ['--batch', String(args.batch)]),
    ...(args.duplicateEvery === undefined ? [] : ['--duplicate-every', String(args.duplicateEvery)]),
    ...(args.birth === false ? ['--no-birth'] : []),
    ...(args.kinds === undefined ? [] : ['--kinds', args.kinds.join(',')]),
  ];
  let latest: LoadProgress | undefined;
  const waiters = new Set<{ check: (p: LoadProgress) => boolean; resolve: (p: LoadProgress) => void }>();
  let settle: ((r: LoadResult) => void) | undefined;
  const summary = new Promise<LoadResult>((resolve) => { settle = resolve; });
  const proc = spawnTs('firmware-sim/load-cli.ts', cli, {
    // a larger young generation: thousands of short-lived payloads and packets per second
    nodeArgs: ['--max-semi-space-size=32'],
    onLine: (line) => {
      let msg: { progress?: LoadProgress; result?: LoadResult };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.progress !== undefined) {
        latest = msg.progress;
        for (const w of [...waiters]) if (w.check(msg.progress)) w.resolve(msg.progress);
      }
      if (msg.result !== undefined) settle?.(msg.result);
    },
  });
  const result = Promise.race([
    summary,
    proc.exited.then(async ({ code }) => {
      await new Promise((resolve) => setImmediate(resolve)); // the last stdout line may still be on its way
      return Promise.race([summary, Promise.reject(new Error(`load generator exited (${code}) without a summary:\n${proc.stderr.join('\n')}`))]);
    }),
  ]);
  result.catch(() => {}); // a caller that stops early may never look at it
  return {
    proc,
    latest: () => latest,
    result,
    waitFor: (check, timeoutMs, what) => {
      if (latest !== undefined && check(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const waiter = {
          check,
          resolve: (p: LoadProgress) => {
            cleanup();
            resolve(p);
          },
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`load generator: timed out waiting for ${what} (last: ${JSON.stringify(latest)})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        void result.then(() => {}, () => {}).then(() => {
          if (!waiters.has(waiter)) return;
          cleanup();
          reject(new Error(`load generator ended while waiting for ${what}:\n${proc.stderr.join('\n')}`));
        });
      });
    },
    stop: async () => {
      await stopProcess(proc, 30_000);
      return result;
    },
  };
}
