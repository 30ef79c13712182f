import fastifyStatic from '@fastify/static';
import { markPublic } from './guard.js';
import type { HttpApp } from './types.js';
import { projectPath } from '../paths.js';

/** The dashboard folder of this checkout, for the composition root and the tests. */
export const DEFAULT_DASHBOARD_DIR = projectPath('dashboard');

/**
 * The dashboard's static files at /. Registered last: its catch-all GET /* sits below every API
 * route, and a missing file falls through to the JSON 404 handler.
 */
export async function registerDashboard(app: HttpApp, opts: { root: string }): Promise<void> {
  await app.register(async function dashboard(scope) {
    scope.addHook('onRoute', markPublic);
    // Only what the browser needs: the pages, their styles and the bundle, not the TypeScript sources.
    await scope.register(fastifyStatic, {
      root: opts.root, prefix: '/',
      allowedPath: (pathName) => /^\/(index\.html|public\.html|styles\.css|dist\/[\w.-]+)?$/.test(pathName),
    });
  });
}
