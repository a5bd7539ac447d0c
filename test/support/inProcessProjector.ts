import pino from 'pino';
import { loadProjectorConfig } from '../../projector/config';
import { createMetricsServer } from '../../projector/metrics/metricsServer';
import { createProjector, type Projector } from '../../projector/projectorApp';
import type { CdcHeartbeatWatchTiming } from '../../projector/source/cdcHeartbeatWatch';
import { stackEnv } from './stackEnv';

export interface InProcessProjector {
  readonly projector: Projector;
  /** Where its /metrics, /healthz and /readyz answer. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A projector in the test's own process on the stack, with its own consumer group and dead-letter
 * topic, its HTTP endpoints on `port` (0: a free one), started and consuming.
 */
export async function startInProcessProjector({
  group,
  port = 0,
  cdcHeartbeat,
}: {
  group: string;
  port?: number;
  cdcHeartbeat?: CdcHeartbeatWatchTiming;
}): Promise<InProcessProjector> {
  const env = stackEnv();
  const config = loadProjectorConfig({
    PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    PROJECTOR_GROUP_ID: group,
    DEAD_LETTER_TOPIC: `${group}.dead-letters`,
  });
  const projector = await createProjector({
    config,
    logger: pino({ level: 'silent' }),
    ...(cdcHeartbeat === undefined ? {} : { cdcHeartbeat }),
  });
  const server = createMetricsServer({ registry: projector.metrics.registry, readiness: projector.readiness });
  const { url } = await server.listen(port, '127.0.0.1');
  await projector.start();
  return {
    projector,
    url,
    async stop() {
      await projector.stop();
      await server.close();
    },
  };
}
