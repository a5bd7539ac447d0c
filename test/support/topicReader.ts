import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { GiveUp, waitFor } from '../../infra/stack/waitFor';
import { parseLosslessJson } from '../../projector/decode/parseLosslessJson';
import { uniqueName } from './stackEnv';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Key and value decoded losslessly (integers as bigint); null for a null key or tombstone. */
  readonly key: unknown;
  readonly value: unknown;
}

/**
 * Reads topics from the beginning with a group of its own and keeps every record, so a test
 * can wait for the records it caused instead of sleeping.
 */
export async function createTopicReader({
  brokers,
  topics,
  decode = (bytes) => parseLosslessJson(bytes.toString('utf8')),
}: {
  brokers: string[];
  topics: string[];
  /** How a key or value is read: JSON losslessly unless given (the Avro format passes its decoder). */
  decode?: (bytes: Buffer) => unknown;
}) {
  const kafka = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const existing = new Set(await admin.listTopics());
        return topics.every((t) => existing.has(t)) ? true : undefined;
      },
      { what: `topics ${topics.join(', ')}`, timeoutMs: 60_000 },
    );
  } finally {
    await admin.disconnect();
  }

  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('test-reader'), maxWaitTimeInMs: 100 });
  const records: ReadRecord[] = [];
  /** Records that could not be decoded: a wait fails at once with the first, instead of timing out. */
  const failures: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      try {
        records.push({
          topic,
          partition,
          offset: BigInt(message.offset),
          key: message.key === null ? null : await decode(message.key),
          value: message.value === null ? null : await decode(message.value),
        });
      } catch (error) {
        failures.push(`${topic}/${partition}@${message.offset}: ${(error as Error).message}`);
      }
    },
  });

  return {
    records,
    /** Waits until `select` picks at least `count` records, and returns them in arrival order. */
    async until(select: (r: ReadRecord) => boolean, count: number, timeoutMs = 60_000): Promise<ReadRecord[]> {
      return waitFor(
        async () => {
          if (failures.length > 0) throw new GiveUp(`a record could not be decoded: ${failures[0]}`);
          const picked = records.filter(select);
          return picked.length >= count ? picked : undefined;
        },
        { what: `${count} matching records on ${topics.join(', ')}`, timeoutMs, intervalMs: 100 },
      );
    },
    stop: () => consumer.disconnect(),
  };
}

export type TopicReader = Awaited<ReturnType<typeof createTopicReader>>;
