import { ConfigError, loadConfig } from '../../controller/config.js';

/** Every problem loadConfig reports for this environment; none when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
