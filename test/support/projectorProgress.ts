import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { sourceTopics } from '../../projector/config';
import { isCaughtUp } from '../../projector/operations/partitionLag';

/**
 * Waits until the group's checkpoints stand at every partition's end offset and no view row is
 * waiting to be built: the views then reflect everything written so far.
 */
export async function waitUntilCaughtUp(
  readPool: Pool,
  brokers: string[],
  group: string,
  timeoutMs = 120_000,
  topicPrefix = 'im',
): Promise<void> {
  const kafka = new Kafka({ clientId: 'test-progress', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = sourceTopics(topicPrefix);
    await waitFor(async () => ((await isCaughtUp(admin, readPool, group, topics)) ? true : undefined), {
      what: `projector group ${group} caught up`,
      timeoutMs,
      intervalMs: 200,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the pipeline connector has confirmed every WAL record written so far: the
 * changes are then in Kafka (Debezium confirms an LSN only after its records were flushed).
 */
export async function waitUntilCaptured(writePool: Pool, timeoutMs = 60_000, slot = 'im_write_cdc'): Promise<void> {
  const { rows } = await writePool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const written = rows[0]!.lsn;
  await waitFor(
    async () => {
      const found = await writePool.query<{ behind: string }>(
        'select pg_wal_lsn_diff($1::pg_lsn, confirmed_flush_lsn)::text as behind from pg_replication_slots where slot_name = $2',
        [written, slot],
      );
      const behind = found.rows[0]?.behind;
      return behind !== undefined && Number(behind) <= 0 ? true : undefined;
    },
    { what: `slot ${slot} to confirm the latest WAL`, timeoutMs },
  );
}
