import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's end offset (the next offset to be written). */
  readonly end: bigint;
  /** The projector's checkpoint: the next offset to apply (0 when never claimed). */
  readonly checkpoint: bigint;
  readonly lag: bigint;
  readonly owner: string | null;
  /** Source commit time of the last applied event, if any. */
  readonly lastSourceTsMs: number | null;
}

/** Per-partition lag of a group, from Kafka's end offsets and the checkpoints in im_read. */
export async function partitionLag(admin: Admin, pool: Pool, group: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string; owner_member: string | null; last_source_ts_ms: string | null }>(
    'select topic, partition, next_offset::text, owner_member, last_source_ts_ms::text from projection_checkpoints where consumer_group = $1',
    [group],
  );
  const checkpoints = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, r]));
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const stored = checkpoints.get(`${topic}/${p.partition}`);
      const end = BigInt(p.high);
      const checkpoint = stored === undefined ? 0n : BigInt(stored.next_offset);
      lags.push({
        topic,
        partition: p.partition,
        end,
        checkpoint,
        lag: end > checkpoint ? end - checkpoint : 0n,
        owner: stored?.owner_member ?? null,
        lastSourceTsMs: stored?.last_source_ts_ms == null ? null : Number(stored.last_source_ts_ms),
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Caught up: every partition applied to its end and no view row waiting to be built. */
export async function isCaughtUp(admin: Admin, pool: Pool, group: string, topics: readonly string[]): Promise<boolean> {
  const lags = await partitionLag(admin, pool, group, topics);
  if (lags.some((l) => l.lag > 0n)) return false;
  const { rows } = await pool.query<{ pending: boolean }>('select exists (select 1 from projection_dirty) as pending');
  return rows[0]?.pending === false;
}
