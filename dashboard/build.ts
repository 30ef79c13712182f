/**
 * Builds the dashboard for the browser: bundles dashboard/src (TypeScript) with esbuild into
 * dashboard/dist/{app,public}.js, and copies the building file next to them (dist/building.json)
 * since no API serves it. The HTML and CSS stay in dashboard/, which the controller serves at /.
 *
 *   tsx dashboard/build.ts [--building=path/to/building.json] [--minify]
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const DASHBOARD_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DIST_DIR = join(DASHBOARD_DIR, 'dist');
export const DEFAULT_BUILDING_FILE = fileURLToPath(new URL('../controller/building/menil-flin.json', import.meta.url));

export interface BuildOptions {
  buildingFile?: string;
  minify?: boolean;
}

export async function buildDashboard(opts: BuildOptions = {}): Promise<void> {
  await mkdir(DIST_DIR, { recursive: true });
  await build({
    absWorkingDir: DASHBOARD_DIR,
    entryPoints: { app: 'src/main.ts', public: 'src/public.ts' },
    outdir: DIST_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    sourcemap: true,
    minify: opts.minify ?? false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(opts.buildingFile ?? DEFAULT_BUILDING_FILE, join(DIST_DIR, 'building.json'));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const args = process.argv.slice(2);
  const building = args.find((a) => a.startsWith('--building='))?.slice('--building='.length);
  const started = performance.now();
  buildDashboard({ minify: args.includes('--minify'), ...(building === undefined ? {} : { buildingFile: building }) }).then(() => {
    console.log(`dashboard built into ${DIST_DIR} in ${Math.round(performance.now() - started)} ms`);
  }, (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
