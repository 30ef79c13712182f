import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Child processes and temporary folders of a bench run, tracked so that every one of them is
 * stopped and removed at the end, on an error and on Ctrl-C.
 */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const processDefaults = {
  stopTimeoutMs: 10_000, // 10 s between SIGTERM and SIGKILL
};

const children = new Set<ChildProcess>();
const folders = new Set<string>();

export interface Spawned {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lines the child wrote on stderr, the last 200. */
  stderr: string[];
}

/** Runs a TypeScript entry point of the repository with tsx; stdout lines go to onLine. */
export function spawnTs(entry: string, args: string[], opts: { env?: Record<string, string>; onLine?: (line: string) => void; nodeArgs?: string[] } = {}): Spawned {
  return spawnNode([...(opts.nodeArgs ?? []), '--import', 'tsx', entry, ...args], entry, opts);
}

/** Runs node with these arguments in the repository (a built JavaScript entry point); stdout lines go to onLine. */
export function spawnJs(entry: string, args: string[], opts: { env?: Record<string, string>; onLine?: (line: string) => void; nodeArgs?: string[] } = {}): Spawned {
  return spawnNode([...(opts.nodeArgs ?? []), entry, ...args], entry, opts);
}

function spawnNode(argv: string[], entry: string, opts: { env?: Record<string, string>; onLine?: (line: string) => void }): Spawned {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`cannot start ${entry}`);
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 200) stderr.shift();
  });
  const onLine = opts.onLine;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  if (onLine !== undefined) lines.on('line', onLine);
  return { child, pid: child.pid, exited, stderr };
}

/** SIGTERM, then SIGKILL after the timeout; resolves once the process is gone. */
export async function stopProcess(p: Spawned, timeoutMs = processDefaults.stopTimeoutMs): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  p.child.kill('SIGTERM');
  await p.exited;
  clearTimeout(timer);
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** Stops every child still running and removes every temporary folder (end of run, error, Ctrl-C). */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopProcess({ child, pid: child.pid ?? 0, exited: new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  }), stderr: [] })));
  for (const dir of [...folders]) removeDir(dir);
}

/** Last resort when the bench process itself exits: no child outlives it. */
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Resident set size of a process, in KiB, from /proc/<pid>/status (VmRSS). */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** CPU time (user + system) a process used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15 of proc(5)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Busy time of the whole machine so far, all cores together, in ms (/proc/stat: all but idle and iowait). */
export function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

/** CPU time of this process and of every child it started that has ended (cutime, cstime), in ms. */
export function ownTreeCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / 100;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });
