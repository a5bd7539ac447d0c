import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loadStackConfig } from './config';
import { createLocalStack } from './localStack';
import { createWatchdog } from './watchdog';

/**
 * The supervisor `npm start` leaves running: a watchdog round every few seconds until SIGTERM
 * (`npm run stack -- down` sends it). One JSON log line per action, in logs/supervisor.log.
 */
async function main(): Promise<void> {
  const config = loadStackConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'supervisor' } });
  const stack = createLocalStack({ config, logger });
  const dog = createWatchdog({ stack, logger });
  const intervalMs = config.supervisor.intervalMs;
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  logger.info({ intervalMs }, 'supervising');
  while (!stopping) {
    await dog.round().catch((error: unknown) => logger.error({ err: error }, 'watchdog round failed'));
    for (let waited = 0; waited < intervalMs && !stopping; waited += 250) await sleep(250);
  }
  logger.info('supervisor stopped');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
