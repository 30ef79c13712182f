import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A TypeScript fixture run as its own process for a concurrency test: it prints `ready` once it
 * has opened what it needs, waits for `go` on its stdin (so that several start at the same
 * moment), then prints one JSON line, its result. `children` collects it for the test's cleanup.
 */
export function startGoProcess<T>(script: string, args: string[], children: ChildProcess[]): { ready: Promise<void>; result: Promise<T>; go: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const result = new Promise<T>((resolve, reject) => {
    lines.on('line', (l) => (l === 'ready' ? onReady() : resolve(JSON.parse(l) as T)));
    child.on('exit', (code) => code !== 0 && reject(new Error(`${script} exited ${code}: ${stderr}`)));
  });
  return { ready, result, go: () => child.stdin!.write('go\n') };
}
