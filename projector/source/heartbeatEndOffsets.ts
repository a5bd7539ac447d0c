import type { Admin, Kafka } from 'kafkajs';
import type { HeartbeatEndOffsetsReading } from './cdcHeartbeatProgress';

/** Where a watch reads the heartbeat topic's end offsets from. */
export interface HeartbeatEndOffsets {
  /** Never throws: a failure is a reading with its reason. */
  read(): Promise<HeartbeatEndOffsetsReading>;
  close(): Promise<void>;
}

/**
 * The heartbeat topic's end offsets through a kafkajs admin client of its own. The topic is
 * listed before its offsets are asked for: an admin that asked for a missing topic's offsets
 * keeps failing on it. After any failure the admin is dropped and the next read starts afresh.
 */
export function createHeartbeatEndOffsets({ kafka, topic }: { kafka: Kafka; topic: string }): HeartbeatEndOffsets {
  let admin: Admin | undefined;

  async function dropAdmin(): Promise<void> {
    const dropped = admin;
    admin = undefined;
    await dropped?.disconnect().catch(() => undefined);
  }

  return {
    async read() {
      try {
        if (admin === undefined) {
          // Few retries: a broker that does not answer should read as unknown within seconds.
          admin = kafka.admin({ retry: { retries: 1 } });
          await admin.connect();
        }
        if (!(await admin.listTopics()).includes(topic)) {
          return { kind: 'unavailable', reason: `${topic} does not exist: the connector never streamed (is it registered?)` };
        }
        const offsets = await admin.fetchTopicOffsets(topic);
        return { kind: 'offsets', ends: new Map(offsets.map((o) => [o.partition, BigInt(o.high)])) };
      } catch (error) {
        await dropAdmin();
        return {
          kind: 'unavailable',
          reason: `Kafka did not answer for ${topic}: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
    close: dropAdmin,
  };
}
