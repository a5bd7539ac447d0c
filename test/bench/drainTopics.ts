/**
 * Drains the pipeline's own topics (whatever they hold) into a fresh read database with a new
 * consumer group, and reports events/s. For profiling the projector on an existing backlog:
 *
 *   TOPIC_PREFIX=im node --cpu-prof --import ./node_modules/tsx/dist/loader.mjs test/bench/drainTopics.ts
 */
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { loadStackConfig, stackUrls } from '../../infra/stack/config';
import { loadProjectorConfig, sourceTopics } from '../../projector/config';
import { isCaughtUp } from '../../projector/operations/partitionLag';
import { createProjector } from '../../projector/projectorApp';
import { loadBenchConfig } from './benchConfig';
import { createBenchDatabases } from './benchDatabases';

async function main(): Promise<void> {
  const benchConfig = loadBenchConfig();
  const stackConfig = loadStackConfig();
  const urls = stackUrls(stackConfig);
  const dbs = createBenchDatabases(stackConfig);
  const name = `drain${Date.now().toString(36)}`;
  const readUrl = await dbs.create(name, 'read');
  const admin = new Kafka({ clientId: 'drain', brokers: [urls.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const prefix = benchConfig.topicPrefix;
    const config = loadProjectorConfig({
      PROJECTOR_DATABASE_URL: readUrl,
      KAFKA_BROKERS: urls.KAFKA_BROKERS,
      PROJECTOR_GROUP_ID: name,
      TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...benchConfig.projectorTuning,
    });
    const projector = await createProjector({ config, logger: pino({ level: 'warn' }) });
    const started = Date.now();
    void projector.start();
    while (!(await isCaughtUp(admin, projector.pool, config.groupId, sourceTopics(prefix)))) await new Promise((r) => setTimeout(r, 100));
    const seconds = (Date.now() - started) / 1000;
    const { rows } = await projector.pool.query<{ n: string }>(
      'select sum(next_offset)::text as n from projection_checkpoints where consumer_group = $1',
      [config.groupId],
    );
    console.log(`${rows[0]?.n} events in ${seconds.toFixed(1)} s = ${Math.round(Number(rows[0]?.n) / seconds)} events/s`);
    await projector.stop();
  } finally {
    await admin.disconnect();
    await dbs.drop(name);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
