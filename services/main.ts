import pino from 'pino';
import { ConfigError, loadServicesConfig } from './config';
import { DatabaseRoleError } from './db/databaseRoleCheck';
import { startServices } from './startServices';

/** Entry point of the services (write API and/or query API, one port): wiring only. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadServicesConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel });
  if (config.jwt.usesDevSecret) {
    logger.warn({ setting: 'JWT_SECRET' }, 'JWT_SECRET not set: using the public dev secret; anyone can mint tokens');
  }

  let service;
  try {
    service = await startServices({ config, logger });
  } catch (error) {
    if (!(error instanceof DatabaseRoleError)) throw error;
    logger.fatal({ setting: error.setting, reason: error.message }, 'database role refused');
    process.exit(2);
  }
  // Which APIs follow from SERVICE_APIS, or from which database URLs are set: say it once, plainly.
  logger.info({ url: service.url, apis: service.apis, workerId: config.write?.idWorkerId }, 'services listening');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    service.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
