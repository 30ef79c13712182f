import { pino } from 'pino';
import { BuildingError } from './building/load.js';
import { ConfigError, loadConfig } from './config.js';
import { startSystem } from './system.js';

/** Entry point of `npm start`: config, then the system, then wait for a signal. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'menil-flin-controller' } });
  let system;
  try {
    system = await startSystem(config, logger);
  } catch (err) {
    if (err instanceof BuildingError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      logger.fatal({ err }, 'controller failed to start');
    }
    process.exit(1);
  }
  if (system.firstAdminPassword !== undefined) {
    // Printed once, to the terminal only: it is not kept anywhere but as a hash.
    process.stderr.write(
      `\n  First start: admin account created.\n  username: admin\n  password: ${system.firstAdminPassword}\n` +
      '  (shown once; set ADMIN_PASSWORD to choose it)\n\n',
    );
  }
  const running = system;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    running.stop().then(() => {
      logger.info('stopped');
      process.exit(0);
    }, (err: unknown) => {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
