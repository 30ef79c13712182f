import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (where package.json is), found from this module's own place, so that the
 * files the controller reads (building, tariff, migrations, dashboard) are found the same whether
 * it runs from its TypeScript sources (tsx, tests) or from the JavaScript `npm start` builds in dist/.
 */
function findProjectDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_DIR = findProjectDir(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. `projectPath('controller', 'db', 'migrations')`. */
export const projectPath = (...parts: string[]): string => join(PROJECT_DIR, ...parts);
