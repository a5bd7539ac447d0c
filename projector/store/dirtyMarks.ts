import type { Pool, PoolClient } from 'pg';
import type { Transaction } from '../../infra/db/transaction';
import { markFromKey, markKey, type DirtyMark } from '../projection/dirtyMark';
import type { ConversationKey } from '../projection/viewTargets';
import { compareInt64, int64s } from './sqlValues';

/**
 * projection_dirty: the view keys a batch changed and the builder has not built yet. A key is
 * stored once; marking it again moves its seq, which is how the builder knows a mark it read
 * was renewed meanwhile.
 */

/** A mark as the builder read it: the seq says which marking it saw. */
export interface TakenMark {
  readonly mark: DirtyMark;
  readonly key: readonly [number, bigint, bigint];
  readonly seq: bigint;
  /** Source commit time (ms) of the earliest change that marked it since it was last built, if known. */
  readonly sourceTsMs: number | null;
  /** When that marking was written (ms, the database's clock). */
  readonly markedAtMs: number;
}

/**
 * Records marks in the batch's transaction. `sourceTsMs` is the source commit time of the batch's
 * earliest change: a mark keeps the earliest one until it is built (commit→view latency).
 */
export async function recordDirtyMarks(tx: PoolClient, marks: readonly DirtyMark[], sourceTsMs: number | null = null): Promise<void> {
  if (marks.length === 0) return;
  // A fixed order keeps concurrent batches from locking the same marks in opposite orders.
  const keys = [...new Map(marks.map((m) => [markKey(m).join(':'), markKey(m)])).values()].sort(
    (x, y) => x[0] - y[0] || compareInt64(x[1], y[1]) || compareInt64(x[2], y[2]),
  );
  await tx.query(
    // clock_timestamp(), not the transaction's start: marks are written at the batch's end, so
    // marked_at is close to the batch's commit (commit→view's third part starts there).
    `insert into projection_dirty (kind, a, b, source_ts_ms, last_ts_ms, marked_at)
     select k.kind, k.a, k.b, $4::bigint, $4::bigint, clock_timestamp() from unnest($1::smallint[], $2::bigint[], $3::bigint[]) k(kind, a, b)
     on conflict (kind, a, b) do update
       set seq = nextval('projection_dirty_seq'),
           source_ts_ms = least(projection_dirty.source_ts_ms, excluded.source_ts_ms),
           last_ts_ms = greatest(projection_dirty.last_ts_ms, excluded.last_ts_ms)`,
    [
      keys.map((k) => k[0]),
      int64s(keys.map((k) => k[1])),
      int64s(keys.map((k) => k[2])),
      sourceTsMs === null ? null : String(Math.trunc(sourceTsMs)),
    ],
  );
}

/** Up to `limit` marks waiting under the given shards (stored values, builderShard.ts), oldest first. */
export async function oldestDirtyMarks(tx: Transaction, shards: readonly number[], limit: number): Promise<TakenMark[]> {
  // Per shard through its (shard, seq) index, then merged: one scan for all shards would sort them all.
  const { rows } = await tx.query<{ kind: number; a: bigint; b: bigint; seq: bigint; source_ts_ms: bigint | null; marked_at_ms: number }>(
    `select d.kind, d.a, d.b, d.seq, d.source_ts_ms, (extract(epoch from d.marked_at) * 1000)::float8 as marked_at_ms
       from unnest($1::smallint[]) s(shard)
       cross join lateral (select * from projection_dirty where shard = s.shard order by seq limit $2) d
      order by d.seq limit $2`,
    [shards, limit],
  );
  return rows.map((r) => {
    const key = [Number(r.kind), BigInt(r.a), BigInt(r.b)] as const;
    return {
      mark: markFromKey(...key),
      key,
      seq: BigInt(r.seq),
      sourceTsMs: r.source_ts_ms === null ? null : Number(r.source_ts_ms),
      markedAtMs: Number(r.marked_at_ms),
    };
  });
}

/** The shards (stored values) that have marks waiting, the one whose oldest mark is oldest first (one index probe per shard). */
export async function shardsWithWork(client: PoolClient, shards: readonly number[]): Promise<number[]> {
  const { rows } = await client.query<{ shard: number }>(
    `select s.shard from unnest($1::smallint[]) s(shard)
       cross join lateral (select min(seq) as oldest from projection_dirty d where d.shard = s.shard) o
      where o.oldest is not null order by o.oldest`,
    [shards],
  );
  return rows.map((r) => Number(r.shard));
}

/**
 * How many marks wait under the given shards (stored values), counted up to `upTo` only: counting a shard of a large backlog
 * in full (or all shards up to a pass each) visits a heap row per mark and cost half a second a
 * pass on a 3M-event drain.
 */
export async function marksWaitingIn(client: PoolClient, shards: readonly number[], upTo: number): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'select count(*)::int as n from (select 1 from projection_dirty where shard = any($1::smallint[]) limit $2) l',
    [shards, upTo],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Deletes the marks that were built, unless a batch marked them again since they were read (their
 * seq moved). A mark kept that way has shown its earlier changes: its times start again from the
 * latest marking, so commit→view is not counted from a change that already shows.
 *
 * `skipLocked` leaves alone the marks a batch is writing right now (they stay, to be done again):
 * the expansion of fan-out marks holds shard marks' locks by then and must not wait for a batch.
 */
export async function clearBuiltMarks(client: PoolClient, taken: readonly TakenMark[], { skipLocked = false } = {}): Promise<void> {
  if (taken.length === 0) return;
  // Rows are locked in key order, the order batches upsert marks in, so the two cannot deadlock.
  await client.query(
    `with taken as (
       select d.kind, d.a, d.b, d.seq = k.seq as built
         from unnest($1::smallint[], $2::bigint[], $3::bigint[], $4::bigint[]) k(kind, a, b, seq)
         -- By key (LATERAL): a hash join would read the whole mark table, a million rows in a backlog.
         cross join lateral (select * from projection_dirty d where d.kind = k.kind and d.a = k.a and d.b = k.b) d
        order by d.kind, d.a, d.b
          for update of d${skipLocked ? ' skip locked' : ''}
     ),
     kept as (
       update projection_dirty d set source_ts_ms = d.last_ts_ms, marked_at = now()
         from taken where not taken.built and d.kind = taken.kind and d.a = taken.a and d.b = taken.b
     )
     delete from projection_dirty d using taken where taken.built and d.kind = taken.kind and d.a = taken.a and d.b = taken.b`,
    [taken.map((t) => t.key[0]), int64s(taken.map((t) => t.key[1])), int64s(taken.map((t) => t.key[2])), int64s(taken.map((t) => t.seq))],
  );
}

/**
 * Hands rows of other shards over from a shard's build (projection_handover, migration 0003):
 * appended, never upserted, so the build's REPEATABLE READ transaction cannot fail on them.
 */
export async function handOverRows(tx: Transaction | PoolClient, keys: readonly ConversationKey[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query('insert into projection_handover (user_id, channel_id) select * from unnest($1::bigint[], $2::bigint[])', [
    int64s(keys.map((k) => k.userId)),
    int64s(keys.map((k) => k.channelId)),
  ]);
}

/** Whether any mark or hand-over waits to be built (cheaper than counting them). */
export async function hasPendingMarks(pool: Pool | PoolClient): Promise<boolean> {
  const result = await pool.query<{ pending: boolean }>(
    'select exists (select 1 from projection_dirty) or exists (select 1 from projection_handover) as pending',
  );
  return result.rows[0]?.pending === true;
}

/** Marks and hand-overs waiting to be built: 0 means the views reflect every applied event. */
export async function pendingMarks(pool: Pool): Promise<number> {
  const result = await pool.query<{ n: string }>(
    'select ((select count(*) from projection_dirty) + (select count(*) from projection_handover))::text as n',
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** The builder's backlog: marks (and hand-overs) waiting, and how long the oldest has waited (0 when none). */
export async function builderBacklog(pool: Pool): Promise<{ readonly marks: number; readonly oldestSeconds: number }> {
  const { rows } = await pool.query<{ marks: string; oldest: string | null }>(
    `select ((select count(*) from projection_dirty) + (select count(*) from projection_handover))::text as marks,
            extract(epoch from now() - least((select min(marked_at) from projection_dirty), (select min(marked_at) from projection_handover)))::text as oldest`,
  );
  return { marks: Number(rows[0]?.marks ?? 0), oldestSeconds: Number(rows[0]?.oldest ?? 0) };
}
