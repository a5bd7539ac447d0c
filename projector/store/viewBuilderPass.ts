import type { Pool } from 'pg';
import { markFromKey } from '../projection/dirtyMark';
import { buildViews, type BuildResult } from './buildViews';
import { int64s } from './sqlValues';

// One builder at a time across all projector instances: view rows are then written by a single
// transaction at a time, reading committed ref_ rows, so no two builds of a row can interleave.
// A session lock (not a transaction lock) so that it is held before the pass's snapshot exists.
const VIEW_BUILDER_LOCK = 7_245_003;

export type PassResult =
  | { readonly kind: 'busy' }
  | ({ readonly kind: 'built'; readonly marks: number } & BuildResult);

/**
 * Takes up to `limit` dirty marks (oldest first), rebuilds their view rows and clears the marks
 * it read, unless a batch marked them again meanwhile (their seq moved): then they stay.
 *
 * The build reads one snapshot (REPEATABLE READ): a row's stored unread count and the
 * last_message_seq it was counted up to must come from the same state, or counting on from
 * there would count some messages twice. Marks are cleared in a second transaction; a crash in
 * between only means the same rows are built again.
 */
export async function runViewBuilderPass(pool: Pool, limit: number): Promise<PassResult> {
  const client = await pool.connect();
  let locked = false;
  try {
    // Locked before the snapshot is taken, so a pass always sees the previous pass's rows.
    const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [VIEW_BUILDER_LOCK]);
    locked = lock.rows[0]?.ok === true;
    if (!locked) return { kind: 'busy' };

    await client.query('begin isolation level repeatable read');
    const marks = await client.query<{ kind: number; a: bigint; b: bigint; seq: bigint }>(
      'select kind, a, b, seq from projection_dirty order by seq limit $1',
      [limit],
    );
    if (marks.rows.length === 0) {
      await client.query('commit');
      return { kind: 'built', marks: 0, conversationRows: 0, conversationRowsChanged: 0, contactRows: 0 };
    }
    const result = await buildViews(client, marks.rows.map((m) => markFromKey(Number(m.kind), BigInt(m.a), BigInt(m.b))));
    await client.query('commit');
    // Rows are locked in key order, the order batches upsert marks in, so the two cannot deadlock.
    await client.query(
      `with done as (
         select d.kind, d.a, d.b from projection_dirty d
           join unnest($1::smallint[], $2::bigint[], $3::bigint[], $4::bigint[]) k(kind, a, b, seq)
             on d.kind = k.kind and d.a = k.a and d.b = k.b and d.seq = k.seq
          order by d.kind, d.a, d.b
            for update of d
       )
       delete from projection_dirty d using done where d.kind = done.kind and d.a = done.a and d.b = done.b`,
      [marks.rows.map((m) => Number(m.kind)), int64s(marks.rows.map((m) => BigInt(m.a))), int64s(marks.rows.map((m) => BigInt(m.b))), int64s(marks.rows.map((m) => BigInt(m.seq)))],
    );
    return { kind: 'built', marks: marks.rows.length, ...result };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    if (locked) await client.query('select pg_advisory_unlock($1)', [VIEW_BUILDER_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** Whether any mark waits to be built (cheaper than counting them). */
export async function hasPendingMarks(pool: Pool): Promise<boolean> {
  const result = await pool.query<{ pending: boolean }>('select exists (select 1 from projection_dirty) as pending');
  return result.rows[0]?.pending === true;
}

/** Marks waiting to be built: 0 means the views reflect every applied event. */
export async function pendingMarks(pool: Pool): Promise<number> {
  const result = await pool.query<{ n: string }>('select count(*)::text as n from projection_dirty');
  return Number(result.rows[0]?.n ?? 0);
}
