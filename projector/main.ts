import pino from 'pino';
import { ConfigError, loadProjectorConfig } from './config';
import { createMetricsServer } from './metrics/metricsServer';
import { createProjector } from './projectorApp';

async function main(): Promise<void> {
  let config;
  try {
    config = loadProjectorConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'projector' } });
  // Exits non-zero when a part gives up for good, so a supervisor (the stack's, Kubernetes)
  // restarts the process instead of leaving it alive and idle.
  const projector = await createProjector({ config, logger, onFatal: (error) => shutdown('fatal', error) });

  const metricsServer = createMetricsServer({ registry: projector.metrics.registry, readiness: projector.readiness });
  const { url } = await metricsServer.listen(config.metricsPort, config.metricsHost);
  logger.info({ url: `${url}/metrics`, readyz: `${url}/readyz` }, 'metrics listening');

  let stopping = false;
  function shutdown(signal: string, cause?: Error): void {
    if (stopping) return;
    stopping = true;
    if (cause === undefined) logger.info({ signal }, 'stopping');
    else logger.fatal({ err: cause }, 'stopping after a fatal error');
    const exitCode = cause === undefined ? 0 : 1;
    // A stop that hangs on a dead broker or database must not keep a broken process alive.
    setTimeout(() => process.exit(exitCode || 1), 30_000).unref();
    projector
      .stop()
      .then(() => metricsServer.close())
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await projector.start();
  logger.info({ group: config.groupId, prefix: config.topicPrefix }, 'projector running');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
