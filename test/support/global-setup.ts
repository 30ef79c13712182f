import { buildServer } from '../../controller/build.js';

/**
 * Once per test run: builds the JavaScript `npm start` runs (dist/), so the tests that start the
 * controller as its own process run exactly that, never a stale build.
 */
export default async function setup(): Promise<void> {
  await buildServer();
}
