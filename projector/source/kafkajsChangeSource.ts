import { logLevel as kafkaLogLevel, type Consumer, type Kafka, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { ChangeSource, ChangeSourceHandlers, TopicPartition } from './changeSource';

export interface KafkajsChangeSourceOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly logger: Logger;
  /** Partitions processed at once by this member. */
  readonly concurrency?: number;
  readonly maxBytesPerPartition?: number;
}

const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;

/** ChangeSource over a kafkajs consumer: manual commits, eachBatch, assignment from GROUP_JOIN. */
export function createKafkajsChangeSource({
  kafka,
  groupId,
  topics,
  logger,
  concurrency = 4,
  maxBytesPerPartition = 4 * 1024 * 1024,
}: KafkajsChangeSourceOptions): ChangeSource {
  const log = logger.child({ component: 'kafka-source' });
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    retry: { retries: 10 },
  });
  let assigned = new Map<string, TopicPartition>();

  return {
    async run(handlers: ChangeSourceHandlers): Promise<void> {
      consumer.on(consumer.events.GROUP_JOIN, async ({ payload }) => {
        const next = new Map<string, TopicPartition>();
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) next.set(key({ topic, partition }), { topic, partition });
        }
        const revoked = [...assigned.values()].filter((tp) => !next.has(key(tp)));
        const added = [...next.values()].filter((tp) => !assigned.has(key(tp)));
        assigned = next;
        log.info({ memberId: payload.memberId, partitions: next.size, added: added.length, revoked: revoked.length }, 'assignment');
        if (revoked.length > 0) await handlers.onRevoked?.(revoked);
        await handlers.onAssigned?.([...next.values()]);
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
        // kafkajs restarts itself after retriable errors; after any other it stays stopped
        // while the process lives on, consuming nothing.
        if (!payload.restart) handlers.onFatal?.(payload.error);
      });

      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: concurrency,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const disposition = await handlers.onBatch({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: BigInt(batch.highWatermark),
            heartbeat,
            isStale,
            records: batch.messages.map((m) => ({
              offset: BigInt(m.offset),
              key: m.key ?? null,
              value: m.value ?? null,
              appendedMs: Number(m.timestamp),
            })),
          });
          // kafkajs fetches a partition again from its last resolved offset: an unresolved batch
          // would come back forever.
          if (disposition === 'consumed' && !isStale()) resolveOffset(batch.lastOffset());
        },
      });
    },

    async commit(tp, offset) {
      await consumer.commitOffsets([{ topic: tp.topic, partition: tp.partition, offset: offset.toString() }]);
    },
    seek(tp, offset) {
      consumer.seek({ topic: tp.topic, partition: tp.partition, offset: offset.toString() });
    },
    pause(partitions) {
      consumer.pause(groupByTopic(partitions));
    },
    resume(partitions) {
      consumer.resume(groupByTopic(partitions));
    },
    async stop() {
      // Disconnect finishes the running batches and leaves the group.
      await consumer.disconnect();
    },
  };
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/** Routes kafkajs's own log lines into pino. */
export function createKafkajsLogCreator(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...fields } = entry;
      if (level === kafkaLogLevel.ERROR) log.error(fields, message);
      else if (level === kafkaLogLevel.WARN) log.warn(fields, message);
      else if (level === kafkaLogLevel.INFO) log.debug(fields, message);
    };
}
