import type { Admin, Kafka } from 'kafkajs';

export interface GroupPartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** End offset minus the group's committed offset in Kafka (the whole partition when none is committed). */
  readonly lag: number;
}

/**
 * The consumer group's lag as Kafka sees it: end offsets minus the offsets the group committed to
 * Kafka, which the projector commits after the database (so it is never ahead of the views). This
 * is what kafka_exporter, Burrow and KEDA see; the checkpoint lag (projector_partition_offset_lag)
 * is the projector's own. Read through an admin of its own; a failed read gives nothing and drops
 * the admin, so the next read starts afresh.
 */
export function createKafkaGroupLag({ kafka, groupId, topics }: { kafka: Kafka; groupId: string; topics: readonly string[] }) {
  let admin: Admin | undefined;
  return {
    async read(): Promise<GroupPartitionLag[] | undefined> {
      try {
        if (admin === undefined) {
          admin = kafka.admin({ retry: { retries: 1 } });
          await admin.connect();
        }
        const existing = new Set(await admin.listTopics());
        const present = topics.filter((t) => existing.has(t));
        const committed = await admin.fetchOffsets({ groupId, topics: present });
        const lags: GroupPartitionLag[] = [];
        for (const topic of present) {
          const byPartition = new Map(
            (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
          );
          for (const end of await admin.fetchTopicOffsets(topic)) {
            const at = byPartition.get(end.partition) ?? -1n;
            const from = at < 0n ? BigInt(end.low) : at;
            lags.push({ topic, partition: end.partition, lag: Number(BigInt(end.high) > from ? BigInt(end.high) - from : 0n) });
          }
        }
        return lags;
      } catch {
        const dropped = admin;
        admin = undefined;
        await dropped?.disconnect().catch(() => undefined);
        return undefined;
      }
    },
    async close(): Promise<void> {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}

export type KafkaGroupLag = ReturnType<typeof createKafkaGroupLag>;
