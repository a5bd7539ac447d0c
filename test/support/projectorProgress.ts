import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';

const TABLES = ['users', 'channels', 'channel_members', 'messages', 'channel_read_records', 'friendships'];

/**
 * Waits until the group's checkpoints stand at every partition's end offset and no view row is
 * waiting to be built: the views then reflect everything written so far.
 */
export async function waitUntilCaughtUp(readPool: Pool, brokers: string[], group: string, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ clientId: 'test-progress', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const ends = new Map<string, bigint>();
        for (const table of TABLES) {
          const topic = `im.public.${table}`;
          for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
        }
        const { rows } = await readPool.query<{ topic: string; partition: number; next_offset: string }>(
          'select topic, partition, next_offset::text from projection_checkpoints where consumer_group = $1',
          [group],
        );
        const at = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
        const behind = [...ends].filter(([key, end]) => end > 0n && (at.get(key) ?? 0n) < end);
        if (behind.length > 0) return undefined;
        const dirty = await readPool.query<{ n: string }>('select count(*)::text as n from projection_dirty');
        return dirty.rows[0]?.n === '0' ? true : undefined;
      },
      { what: `projector group ${group} caught up`, timeoutMs, intervalMs: 200 },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the pipeline connector has confirmed every WAL record written so far: the
 * changes are then in Kafka (Debezium confirms an LSN only after its records were flushed).
 */
export async function waitUntilCaptured(writePool: Pool, timeoutMs = 60_000): Promise<void> {
  const { rows } = await writePool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const written = rows[0]!.lsn;
  await waitFor(
    async () => {
      const slot = await writePool.query<{ behind: string }>(
        "select pg_wal_lsn_diff($1::pg_lsn, confirmed_flush_lsn)::text as behind from pg_replication_slots where slot_name = 'im_write_cdc'",
        [written],
      );
      const behind = slot.rows[0]?.behind;
      return behind !== undefined && Number(behind) <= 0 ? true : undefined;
    },
    { what: 'the pipeline connector to confirm the latest WAL', timeoutMs },
  );
}
