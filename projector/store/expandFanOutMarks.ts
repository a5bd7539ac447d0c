import type { PoolClient } from 'pg';
import { inClientTransaction } from '../../infra/db/transaction';
import { FAN_OUT_SHARD } from '../projection/builderShard';
import { clearBuiltMarks, oldestDirtyMarks } from './dirtyMarks';
import { int64s } from './sqlValues';

/**
 * Turns marks that fan out (a channel's change or message, a recount, a profile) into marks of the
 * owners whose rows they change, in one statement, so each owner's shard builds its own rows.
 *
 * It reads only ref_ tables, which batches write, never the views or reverse indexes, which the
 * shards write concurrently: a fan-out mark is visible only once its batch committed, so every
 * member or friendship that batch saw is read here; one committed later brings its own owner mark,
 * built after that commit. Expanded owner marks keep the fan-out mark's times (commit→view).
 *
 * Returns how many fan-out marks were expanded.
 */
export async function expandFanOutMarks(client: PoolClient, limit: number): Promise<number> {
  return inClientTransaction(client, async (tx) => {
    const taken = await oldestDirtyMarks(tx, [FAN_OUT_SHARD], limit);
    if (taken.length === 0) return { commit: true, value: 0 };
    await tx.query(
      `insert into projection_dirty (kind, a, b, source_ts_ms, last_ts_ms, marked_at)
       select o.kind, o.a, o.b, min(f.source_ts_ms), max(f.last_ts_ms), min(f.marked_at)
         from projection_dirty f
         join unnest($1::smallint[], $2::bigint[], $3::bigint[]) k(kind, a, b) on f.kind = k.kind and f.a = k.a and f.b = k.b
         cross join lateral (
           -- A channel's info or messages (2), or a recount (5 → 6): every member's row, left ones too.
           select case f.kind when 5 then 6 else 1 end::smallint as kind, m.user_id as a, m.channel_id as b
             from ref_channel_members m where f.kind in (2, 5) and m.channel_id = f.a
           union all
           -- A profile (3): the direct conversations that show the user as their peer,
           select 1::smallint, other.user_id, other.channel_id
             from ref_channel_members mine
             join ref_channels c on c.id = mine.channel_id and c.channel_type = 1
             join ref_channel_members other on other.channel_id = mine.channel_id and other.user_id <> mine.user_id
            where f.kind = 3 and mine.user_id = f.a
           union all
           -- every row of the channels whose last message the user sent,
           select 1::smallint, m.user_id, m.channel_id
             from ref_last_messages l join ref_channel_members m on m.channel_id = l.channel_id
            where f.kind = 3 and l.sender_id = f.a
           union all
           -- and the contact rows that show the user.
           select 4::smallint, fr.user_id, fr.friend_id from ref_friendships fr where f.kind = 3 and fr.friend_id = f.a
         ) o
        group by o.kind, o.a, o.b
        -- Key order, as batches upsert marks in: the two cannot deadlock.
        order by o.kind, o.a, o.b
       on conflict (kind, a, b) do update
         set seq = nextval('projection_dirty_seq'),
             source_ts_ms = least(projection_dirty.source_ts_ms, excluded.source_ts_ms),
             last_ts_ms = greatest(projection_dirty.last_ts_ms, excluded.last_ts_ms),
             marked_at = least(projection_dirty.marked_at, excluded.marked_at)`,
      [taken.map((t) => t.key[0]), int64s(taken.map((t) => t.key[1])), int64s(taken.map((t) => t.key[2]))],
    );
    // A fan-out mark a batch is renewing right now is skipped, not waited for: it stays and is
    // expanded again, and this transaction never waits on a batch while holding owner marks.
    await clearBuiltMarks(tx, taken, { skipLocked: true });
    return { commit: true, value: taken.length };
  });
}
