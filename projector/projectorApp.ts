import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { sourceTopics, type ProjectorConfig } from './config';
import { createProjectorRunner } from './consumer/projectorRunner';
import { changeRecordDecoderFor } from './decode/decoderForFormat';
import { createSlowViewLog } from './consumer/slowViewLog';
import { createViewBuilderLoop } from './consumer/viewBuilderLoop';
import { migrateReadDatabase } from './db/migrateReadDatabase';
import { createReadPool } from './db/readPool';
import { createReadinessCheck } from './health/readiness';
import { createProjectorMetrics } from './metrics/projectorMetrics';
import { heartbeatTopic } from './operations/cdcFreshness';
import { createCdcHeartbeatWatch, type CdcHeartbeatWatchTiming } from './source/cdcHeartbeatWatch';
import { createKafkajsChangeSource, createKafkajsLogCreator } from './source/kafkajsChangeSource';
import { createHeartbeatEndOffsets } from './source/heartbeatEndOffsets';
import { createKafkaGroupLag } from './source/kafkaGroupLag';
import type { DeadLetter } from './store/deadLetters';
import type { UnappliablePolicy } from './consumer/applyBatch';
import { buildAllMarks } from './store/viewBuilderPass';
import { builderBacklog } from './store/dirtyMarks';
import type { DirtyMark } from './projection/dirtyMark';

/** The views a built mark's rows belong to (viewTargets.ts): where its change shows. */
const VIEWS_OF_MARK: Readonly<Record<DirtyMark['kind'], readonly string[]>> = {
  conversation: ['user_conversation_view'],
  channel: ['user_conversation_view'],
  recount: ['user_conversation_view'],
  user: ['user_conversation_view', 'user_contact_view'],
  contact: ['user_contact_view', 'user_conversation_view'],
  unreadRecount: ['user_conversation_view'],
  channelInShard: ['user_conversation_view'],
  recountInShard: ['user_conversation_view'],
};

/**
 * The projector, wired: read schema migrated, consumer group, view builder, dead-letter topic,
 * CDC heartbeat watch, metrics and readiness. `start` returns once the consumer runs; `stop`
 * finishes the running batches, commits and leaves the group.
 */
export async function createProjector({
  config,
  logger,
  onFatal,
  cdcHeartbeat: cdcHeartbeatTiming,
  version,
  unappliable = 'dead-letter',
}: {
  config: ProjectorConfig;
  logger: Logger;
  onFatal?: (error: Error) => void;
  cdcHeartbeat?: CdcHeartbeatWatchTiming;
  /** A rebuild's version: `readDatabaseUrl` names its schema, which keeps its own migration record. */
  version?: { readonly schema: string };
  /** What an event the store refuses does: a dead letter (the default), or stop the projector (a rebuild). */
  unappliable?: UnappliablePolicy;
}) {
  await migrateReadDatabase(config.readDatabaseUrl, config.readPartitions, version?.schema);
  const pool = createReadPool(config.readDatabaseUrl, config.concurrency + config.builderWorkers + 3, (error) =>
    logger.warn({ err: error }, 'idle database connection lost'),
  );
  const kafka = new Kafka({
    clientId: `projector-${config.memberName}`,
    brokers: [...config.kafkaBrokers],
    logCreator: createKafkajsLogCreator(logger),
  });
  const cdcHeartbeat = createCdcHeartbeatWatch({
    endOffsets: createHeartbeatEndOffsets({ kafka, topic: heartbeatTopic(config.topicPrefix) }),
    logger,
    ...cdcHeartbeatTiming,
  });
  const groupLag = createKafkaGroupLag({ kafka, groupId: config.groupId, topics: sourceTopics(config.topicPrefix) });
  const metrics = createProjectorMetrics({
    cdcHeartbeatAgeMs: cdcHeartbeat.ageMs,
    builderBacklog: () => builderBacklog(pool),
    kafkaGroupLag: () => groupLag.read(),
  });
  const records = changeRecordDecoderFor(config.cdc);
  const readiness = createReadinessCheck({
    database: pool,
    cdc: cdcHeartbeat,
    ...(records.registry === undefined ? {} : { schemaRegistry: records.registry }),
  });

  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  if (!existing.has(config.deadLetterTopic)) {
    await admin.createTopics({
      topics: [{ topic: config.deadLetterTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
  }
  await admin.disconnect();

  /**
   * Debezium makes a table's topic with its first row, so on a new install some may be missing:
   * wait for them (and say so) rather than fail. The local stack creates them up front.
   */
  async function waitForSourceTopics(): Promise<void> {
    const wanted = sourceTopics(config.topicPrefix);
    const probe = kafka.admin();
    await probe.connect();
    try {
      for (let attempt = 0; ; attempt += 1) {
        const existing = new Set(await probe.listTopics());
        const missing = wanted.filter((t) => !existing.has(t));
        if (missing.length === 0) return;
        if (attempt % 10 === 0) logger.warn({ missing }, 'waiting for source topics');
        await sleep(1000);
      }
    } finally {
      await probe.disconnect();
    }
  }

  // Dead letters carry their position as key; the default (murmur2, Java-compatible) partitioner.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const slowView = createSlowViewLog({ log: logger.child({ component: 'view-builder' }) });
  const builder = createViewBuilderLoop({
    pool,
    logger,
    marksPerPass: config.marksPerBuild,
    workers: config.builderWorkers,
    ...(onFatal === undefined ? {} : { onFatal }),
    onPass: (pass, ms) => {
      metrics.viewRowsBuilt.inc({ view: 'user_conversation_view' }, pass.conversationRows);
      metrics.viewRowsBuilt.inc({ view: 'user_contact_view' }, pass.contactRows);
      metrics.builderPassSeconds.observe(ms / 1000);
      for (const { mark, seconds } of pass.commitToView)
        for (const view of VIEWS_OF_MARK[mark]) {
          metrics.commitToView.observe({ view }, seconds);
          slowView(view, seconds);
        }
      for (const { mark, seconds } of pass.markToView)
        for (const view of VIEWS_OF_MARK[mark]) metrics.markToViewSeconds.observe({ view }, seconds);
    },
  });
  const source = createKafkajsChangeSource({
    kafka,
    groupId: config.groupId,
    topics: sourceTopics(config.topicPrefix),
    logger,
    concurrency: config.concurrency,
  });
  const runner = createProjectorRunner({
    pool,
    source,
    groupId: config.groupId,
    memberName: config.memberName,
    unappliable,
    decoder: records.decoder,
    logger,
    metrics,
    onCommitted: () => builder.wake(),
    ...(onFatal === undefined ? {} : { onFatal }),
    ...(config.oneEventPerTransaction
      ? {
          oneEventPerTransaction: {
            buildViewsNow: async () => {
              await buildAllMarks(pool, config.marksPerBuild);
            },
          },
        }
      : {}),
    publishDeadLetters: async (letters: readonly DeadLetter[]) => {
      await producer.send({
        topic: config.deadLetterTopic,
        messages: letters.map((l) => ({
          key: `${l.topic}/${l.partition}/${l.offset}`,
          value: l.value,
          headers: { topic: l.topic, partition: String(l.partition), offset: l.offset.toString(), error: l.error, error_kind: l.errorKind },
        })),
      });
    },
  });

  return {
    pool,
    metrics,
    readiness,
    async start(): Promise<void> {
      cdcHeartbeat.start();
      await waitForSourceTopics();
      await producer.connect();
      if (!config.oneEventPerTransaction) builder.start();
      await runner.start();
    },
    async stop(): Promise<void> {
      await runner.stop();
      await builder.stop();
      await producer.disconnect();
      await cdcHeartbeat.stop();
      await groupLag.close();
      await pool.end();
    },
  };
}

export type Projector = Awaited<ReturnType<typeof createProjector>>;
