import { sql } from 'drizzle-orm';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';

type ReadOutcome = {
  readonly is_member: boolean;
  readonly last_seq: string;
  readonly raised: string | null;
  readonly current: string | null;
};

/**
 * Moves the caller's read pointer up to `seq`: never backwards (a lower or equal seq changes
 * nothing and returns the current pointer, so retries are harmless) and never past the channel's
 * highest seq. One statement, no channel lock: seqs only grow, so a bound read a moment ago stays
 * a valid bound. In the CTE, `current` sees the row as it was before the upsert, which is the
 * answer exactly when the upsert did not raise it.
 */
export const markRead: Command<{ actorId: bigint; channelId: bigint; seq: bigint }, { readonly lastReadSeq: bigint }> = async (
  { tx },
  { actorId, channelId, seq },
) => {
  const { rows } = await tx.execute<ReadOutcome>(sql`
    with target as (
      select (m.user_id is not null and m.left_at is null) as is_member,
             coalesce((select max(seq) from messages where channel_id = c.id), 0) as last_seq
        from channels c
        left join channel_members m on m.channel_id = c.id and m.user_id = ${actorId}
       where c.id = ${channelId}
    ), raised as (
      insert into channel_read_records (user_id, channel_id, last_read_seq)
      select ${actorId}::bigint, ${channelId}::bigint, ${seq}::bigint from target where is_member and ${seq}::bigint <= last_seq
      on conflict (user_id, channel_id) do update
         set last_read_seq = excluded.last_read_seq, updated_at = now()
       where channel_read_records.last_read_seq < excluded.last_read_seq
      returning last_read_seq
    )
    select t.is_member, t.last_seq::text,
           (select last_read_seq::text from raised) as raised,
           (select last_read_seq::text from channel_read_records where user_id = ${actorId} and channel_id = ${channelId}) as current
      from target t`);
  const [outcome] = rows;
  if (!outcome) return rejected('channel_not_found', `channel ${channelId} does not exist`);
  if (!outcome.is_member) return rejected('not_a_member', `you are not a member of channel ${channelId}`);
  if (seq > BigInt(outcome.last_seq)) {
    return rejected('seq_beyond_last_message', `seq ${seq} is past the channel's last message (${outcome.last_seq})`);
  }
  return accepted({ lastReadSeq: BigInt(outcome.raised ?? outcome.current ?? '0') });
};
