import type { PoolClient } from 'pg';
import { inClientTransaction } from '../../infra/db/transaction';
import { FAN_OUT_SHARD, shardOfOwnerSql } from '../projection/builderShard';
import { isShardMark } from '../projection/dirtyMark';
import { clearBuiltMarks, oldestDirtyMarks } from './dirtyMarks';
import { planByKeysOnly } from './keyProbePlans';
import { int64s } from './sqlValues';

const memberShard = shardOfOwnerSql('m.user_id');

/**
 * Turns marks that fan out (a channel's change or message, a recount, a profile) into marks of the
 * shards whose rows they change, in one statement, so each shard builds its own rows: a channel's
 * change becomes one mark per shard holding its members (at most 16 however large the channel),
 * a profile's the marks of the rows that show it.
 *
 * It reads only ref_ tables, which batches write, never the views or reverse indexes, which the
 * shards write concurrently: a fan-out mark is visible only once its batch committed, so every
 * member or friendship that batch saw is read here; one committed later brings its own mark,
 * built after that commit. Expanded marks keep the fan-out mark's times (commit→view).
 *
 * Hand-overs from shard builds (projection_handover) become conversation marks in the same statement.
 * Up to `limit` fan-out marks (each may name hundreds of rows) and `handOverLimit` hand-overs (one
 * row each) per call. Returns how many fan-out marks and hand-overs were turned into shard marks.
 */
export async function expandFanOutMarks(client: PoolClient, limit: number, handOverLimit = limit): Promise<number> {
  return inClientTransaction(client, async (tx) => {
    await planByKeysOnly(tx);
    const taken = await oldestDirtyMarks(tx, [FAN_OUT_SHARD], limit);
    // Only kinds 2, 3 and 5 expand; anything else here (a read schema migrated by another release)
    // would be cleared below without being built.
    const misrouted = taken.find((t) => isShardMark(t.mark));
    if (misrouted !== undefined) throw new Error(`a mark built by shards waits among fan-out marks: ${misrouted.mark.kind}`);
    // One statement, so shard marks are locked in one key order (a batch's order: no deadlock).
    const { rows } = await tx.query<{ handed: number }>(
      `with handed as (
         -- Rows a shard's build handed over to another shard (projection_handover).
         delete from projection_handover h
          where h.id in (select id from projection_handover order by id limit $4 for update skip locked)
         returning h.user_id, h.channel_id, h.marked_at
       ),
       fanned as (
         select o.kind, o.a, o.b, f.source_ts_ms, f.last_ts_ms, f.marked_at
           from unnest($1::smallint[], $2::bigint[], $3::bigint[]) k(kind, a, b)
           -- By key (LATERAL): a hash join would read the whole mark table, a million rows in a backlog.
           cross join lateral (select * from projection_dirty f where f.kind = k.kind and f.a = k.a and f.b = k.b) f
           cross join lateral (
             -- A channel's info or messages (2), or a recount (5): its members' rows (left ones too),
             -- one mark per shard that has any (7, or 8 for a recount), not one per member.
             select distinct case f.kind when 5 then 8 else 7 end::smallint as kind, m.channel_id as a, ${memberShard}::bigint as b
               from ref_channel_members m where f.kind in (2, 5) and m.channel_id = f.a
             union all
             -- A profile (3): the direct conversations that show the user as their peer,
             -- (LATERAL, OFFSET 0 keeping each subquery from being flattened into a join the planner
             -- may turn around: each step starts from the row before, the user's memberships first)
             select 1::smallint, other.user_id, other.channel_id
               from ref_channel_members mine
               cross join lateral (select 1 from ref_channels c where c.id = mine.channel_id and c.channel_type = 1 offset 0) direct
               cross join lateral (
                 select * from ref_channel_members other where other.channel_id = mine.channel_id and other.user_id <> mine.user_id offset 0
               ) other
              where f.kind = 3 and mine.user_id = f.a
             union all
             -- every row of the channels whose last message the user sent (by shard, as above),
             select distinct 7::smallint, m.channel_id, ${memberShard}::bigint
               from ref_last_messages l
               cross join lateral (select * from ref_channel_members m where m.channel_id = l.channel_id offset 0) m
              where f.kind = 3 and l.sender_id = f.a
             union all
             -- and the contact rows that show the user.
             select 4::smallint, fr.user_id, fr.friend_id from ref_friendships fr where f.kind = 3 and fr.friend_id = f.a
           ) o
       ),
       wanted as (
         select kind, a, b, source_ts_ms, last_ts_ms, marked_at from fanned
         union all
         select 1::smallint, user_id, channel_id, null::bigint, null::bigint, marked_at from handed
       ),
       marked as (
         insert into projection_dirty (kind, a, b, source_ts_ms, last_ts_ms, marked_at)
         select kind, a, b, min(source_ts_ms), max(last_ts_ms), min(marked_at) from wanted
          group by kind, a, b
          order by kind, a, b
         on conflict (kind, a, b) do update
           set seq = nextval('projection_dirty_seq'),
               source_ts_ms = least(projection_dirty.source_ts_ms, excluded.source_ts_ms),
               last_ts_ms = greatest(projection_dirty.last_ts_ms, excluded.last_ts_ms),
               marked_at = least(projection_dirty.marked_at, excluded.marked_at)
         returning 1
       )
       select (select count(*) from handed)::int as handed`,
      [taken.map((t) => t.key[0]), int64s(taken.map((t) => t.key[1])), int64s(taken.map((t) => t.key[2])), handOverLimit],
    );
    // A fan-out mark a batch is renewing right now is skipped, not waited for: it stays and is
    // expanded again, and this transaction never waits on a batch while holding shard marks.
    await clearBuiltMarks(tx, taken, { skipLocked: true });
    return { commit: true, value: taken.length + Number(rows[0]?.handed ?? 0) };
  });
}
