import type { Pool, PoolClient } from 'pg';

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly error: string;
  /** 'decode' (the record cannot be read) or 'apply' (it was read, the store refused it). */
  readonly errorKind: 'decode' | 'apply';
}

/** Records dead letters in the batch's transaction, so they commit with the checkpoint that skips them. */
export async function recordDeadLetters(tx: PoolClient, group: string, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await tx.query(
    `insert into projection_dead_letters (topic, partition, "offset", message_key, raw_value, error, error_kind, consumer_group)
     select * from unnest($1::text[], $2::int[], $3::bigint[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[])
     on conflict (consumer_group, topic, partition, "offset") do nothing`,
    [
      letters.map((l) => l.topic), letters.map((l) => l.partition), letters.map((l) => l.offset.toString()),
      letters.map((l) => l.key), letters.map((l) => l.value), letters.map((l) => l.error.replace(/\0/g, '\\0')),
      letters.map((l) => l.errorKind), letters.map(() => group),
    ],
  );
}

export interface StoredDeadLetter extends DeadLetter {
  readonly id: bigint;
  readonly createdAt: string;
  readonly replayedAt: string | null;
}

export async function listDeadLetters(pool: Pool, { includeReplayed = false, limit = 100 } = {}): Promise<StoredDeadLetter[]> {
  const result = await pool.query(
    `select id, topic, partition, "offset", message_key, raw_value, error, error_kind, created_at::text, replayed_at::text
       from projection_dead_letters where $1 or replayed_at is null order by id limit $2`,
    [includeReplayed, limit],
  );
  return result.rows.map((r) => ({
    id: BigInt(r.id), topic: r.topic, partition: Number(r.partition), offset: BigInt(r.offset), key: r.message_key,
    value: r.raw_value, error: r.error, errorKind: r.error_kind, createdAt: r.created_at, replayedAt: r.replayed_at,
  }));
}
