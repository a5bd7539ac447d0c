import http from 'node:http';
import pino from 'pino';
import { ConfigError, loadProjectorConfig } from './config';
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
  const projector = await createProjector({ config, logger });

  const metricsServer = http.createServer((request, response) => {
    if (request.url === '/metrics') {
      projector.metrics.registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': projector.metrics.registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      response.writeHead(404).end();
    }
  });
  metricsServer.listen(config.metricsPort, config.metricsHost, () => {
    logger.info({ url: `http://${config.metricsHost}:${config.metricsPort}/metrics` }, 'metrics listening');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    projector
      .stop()
      .then(() => metricsServer.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await projector.start();
  logger.info({ group: config.groupId, prefix: config.topicPrefix }, 'projector running');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
