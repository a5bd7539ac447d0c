import type { Pool } from 'pg';
import type { Transaction } from '../../infra/db/transaction';

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
export async function recordDeadLetters(tx: Transaction, group: string, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await tx.query(
    `insert into projection_dead_letters (topic, partition, "offset", message_key, raw_value, error, error_kind, consumer_group)
     select * from unnest($1::text[], $2::int[], $3::bigint[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[])
     on conflict (consumer_group, topic, partition, "offset") do nothing`,
    [
      letters.map((l) => l.topic),
      letters.map((l) => l.partition),
      letters.map((l) => l.offset.toString()),
      letters.map((l) => l.key),
      letters.map((l) => l.value),
      letters.map((l) => l.error.replace(/\0/g, '\\0')),
      letters.map((l) => l.errorKind),
      letters.map(() => group),
    ],
  );
}

/** Dead letters not replayed yet (all of them, or those with these ids), oldest first. */
export async function unreplayedDeadLetters(pool: Pool, ids: readonly bigint[] | 'all'): Promise<StoredDeadLetter[]> {
  const result = await pool.query<DeadLetterRow>(
    `${SELECT_DEAD_LETTERS} where replayed_at is null and ($1::bigint[] is null or id = any($1::bigint[])) order by id`,
    [ids === 'all' ? null : ids.map(String)],
  );
  return result.rows.map(storedDeadLetter);
}

/** Marks a letter replayed, in the transaction that applied it, so it is never applied twice. */
export async function markReplayed(tx: Transaction, id: bigint): Promise<void> {
  await tx.query('update projection_dead_letters set replayed_at = now() where id = $1', [id.toString()]);
}

const SELECT_DEAD_LETTERS = `select id, topic, partition, "offset", message_key, raw_value, error, error_kind, created_at::text, replayed_at::text
  from projection_dead_letters`;

interface DeadLetterRow {
  readonly id: string | bigint;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | bigint;
  readonly message_key: Buffer | null;
  readonly raw_value: Buffer | null;
  readonly error: string;
  readonly error_kind: DeadLetter['errorKind'];
  readonly created_at: string;
  readonly replayed_at: string | null;
}

function storedDeadLetter(r: DeadLetterRow): StoredDeadLetter {
  return {
    id: BigInt(r.id),
    topic: r.topic,
    partition: Number(r.partition),
    offset: BigInt(r.offset),
    key: r.message_key,
    value: r.raw_value,
    error: r.error,
    errorKind: r.error_kind,
    createdAt: r.created_at,
    replayedAt: r.replayed_at,
  };
}

export interface StoredDeadLetter extends DeadLetter {
  readonly id: bigint;
  readonly createdAt: string;
  readonly replayedAt: string | null;
}

export async function listDeadLetters(pool: Pool, { includeReplayed = false, limit = 100 } = {}): Promise<StoredDeadLetter[]> {
  const result = await pool.query<DeadLetterRow>(`${SELECT_DEAD_LETTERS} where $1 or replayed_at is null order by id limit $2`, [
    includeReplayed,
    limit,
  ]);
  return result.rows.map(storedDeadLetter);
}
