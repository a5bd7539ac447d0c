import type { PoolClient } from 'pg';
import type { DirtyMark } from '../projection/dirtyMark';
import type { RefChanges } from '../projection/refChangesForBatch';
import { completeRefChanges } from './completeRefChanges';
import { recordDirtyMarks } from './dirtyMarks';
import { int64s } from './sqlValues';

/**
 * Writes a batch's reference-row candidates, each only where it is newer than the stored row
 * (the same rule as projection/refRows.ts, here as ON CONFLICT ... WHERE guards), and upserts the
 * dirty marks. A text the event did not carry is first filled from the stored row, or the event
 * refused (completeRefChanges): no placeholder is ever written. Runs inside the batch
 * transaction: it takes a client, never a pool.
 */
export async function applyRefChanges(tx: PoolClient, changes: RefChanges, sourceTsMs: number | null = null): Promise<void> {
  const { users, channels, members, messages, lastMessages, readRecords, friendships, marks } = await completeRefChanges(tx, changes);

  if (users.length > 0) {
    await tx.query(
      `insert into ref_users (id, nickname, avatar, profile_ver, lsn)
       select * from unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bigint[])
       on conflict (id) do update
         set nickname = excluded.nickname, avatar = excluded.avatar, profile_ver = excluded.profile_ver, lsn = excluded.lsn
       where (excluded.profile_ver, excluded.lsn) > (ref_users.profile_ver, ref_users.lsn)`,
      [
        int64s(users.map((u) => u.id)),
        users.map((u) => u.nickname),
        users.map((u) => u.avatar),
        users.map((u) => u.ver.toString()),
        int64s(users.map((u) => u.lsn)),
      ],
    );
  }

  if (channels.length > 0) {
    await tx.query(
      `insert into ref_channels (id, channel_type, channel_name, channel_avatar, channel_info_ver, dissolved_at, lsn)
       select * from unnest($1::bigint[], $2::smallint[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::bigint[])
       on conflict (id) do update
         set channel_type = excluded.channel_type, channel_name = excluded.channel_name, channel_avatar = excluded.channel_avatar,
             channel_info_ver = excluded.channel_info_ver, dissolved_at = excluded.dissolved_at, lsn = excluded.lsn
       where (excluded.channel_info_ver, excluded.lsn) > (ref_channels.channel_info_ver, ref_channels.lsn)`,
      [
        int64s(channels.map((c) => c.id)),
        channels.map((c) => c.channelType),
        channels.map((c) => c.channelName),
        channels.map((c) => c.channelAvatar),
        channels.map((c) => c.ver.toString()),
        channels.map((c) => c.dissolvedAt),
        int64s(channels.map((c) => c.lsn)),
      ],
    );
  }

  if (members.length > 0) {
    await tx.query(
      `insert into ref_channel_members (channel_id, user_id, role, left_at, is_pinned, is_muted, is_hidden, member_ver, lsn)
       select * from unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::timestamptz[], $5::bool[], $6::bool[], $7::bool[], $8::int[], $9::bigint[])
       on conflict (channel_id, user_id) do update
         set role = excluded.role, left_at = excluded.left_at, is_pinned = excluded.is_pinned, is_muted = excluded.is_muted,
             is_hidden = excluded.is_hidden, member_ver = excluded.member_ver, lsn = excluded.lsn
       where (excluded.member_ver, excluded.lsn) > (ref_channel_members.member_ver, ref_channel_members.lsn)`,
      [
        int64s(members.map((m) => m.channelId)),
        int64s(members.map((m) => m.userId)),
        members.map((m) => m.role),
        members.map((m) => m.leftAt),
        members.map((m) => m.isPinned),
        members.map((m) => m.isMuted),
        members.map((m) => m.isHidden),
        members.map((m) => m.ver.toString()),
        int64s(members.map((m) => m.lsn)),
      ],
    );
  }

  // A message new to ref_messages whose seq is not above the channel's last one arrived late
  // (a snapshot reads in heap order, a dead letter replayed): rows counted on incrementally have
  // passed it, so the channel is counted afresh.
  const lateChannels: bigint[] = [];
  if (messages.length > 0) {
    const inserted = await tx.query<{ channel_id: bigint }>(
      `with stored as (
         insert into ref_messages (channel_id, seq, sender_id, recalled)
         select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bool[])
         on conflict (channel_id, seq) do update set recalled = true
         where excluded.recalled and not ref_messages.recalled
         returning channel_id, seq, xmax = 0 as fresh
       )
       select distinct s.channel_id from stored s join ref_last_messages l on l.channel_id = s.channel_id
        where s.fresh and s.seq <= l.seq`,
      [
        int64s(messages.map((m) => m.channelId)),
        int64s(messages.map((m) => m.seq)),
        int64s(messages.map((m) => m.senderId)),
        messages.map((m) => m.recalled),
      ],
    );
    for (const row of inserted.rows) lateChannels.push(BigInt(row.channel_id));
  }

  if (lastMessages.length > 0) {
    await tx.query(
      `insert into ref_last_messages (channel_id, id, seq, sender_id, msg_type, content, created_at, recalled)
       select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::smallint[], $6::text[], $7::timestamptz[], $8::bool[])
       on conflict (channel_id) do update
         set id = excluded.id, seq = excluded.seq, sender_id = excluded.sender_id, msg_type = excluded.msg_type,
             content = excluded.content, created_at = excluded.created_at, recalled = excluded.recalled
       where excluded.seq > ref_last_messages.seq
          or (excluded.seq = ref_last_messages.seq and excluded.recalled and not ref_last_messages.recalled)`,
      [
        int64s(lastMessages.map((m) => m.channelId)),
        int64s(lastMessages.map((m) => m.id)),
        int64s(lastMessages.map((m) => m.seq)),
        int64s(lastMessages.map((m) => m.senderId)),
        lastMessages.map((m) => m.msgType),
        lastMessages.map((m) => m.content),
        lastMessages.map((m) => m.createdAt),
        lastMessages.map((m) => m.recalled),
      ],
    );
  }

  if (readRecords.length > 0) {
    await tx.query(
      `insert into ref_read_records (user_id, channel_id, last_read_seq, lsn)
       select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
       on conflict (user_id, channel_id) do update set last_read_seq = excluded.last_read_seq, lsn = excluded.lsn
       where (excluded.last_read_seq, excluded.lsn) > (ref_read_records.last_read_seq, ref_read_records.lsn)`,
      [
        int64s(readRecords.map((r) => r.userId)),
        int64s(readRecords.map((r) => r.channelId)),
        int64s(readRecords.map((r) => r.ver)),
        int64s(readRecords.map((r) => r.lsn)),
      ],
    );
  }

  if (friendships.length > 0) {
    await tx.query(
      `insert into ref_friendships (user_id, friend_id, remark_name, friend_ver, created_at, exists_now, lsn)
       select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::timestamptz[], $6::bool[], $7::bigint[])
       on conflict (user_id, friend_id) do update
         set remark_name = excluded.remark_name, friend_ver = excluded.friend_ver, created_at = excluded.created_at,
             exists_now = excluded.exists_now, lsn = excluded.lsn
       where excluded.lsn > ref_friendships.lsn`,
      [
        int64s(friendships.map((f) => f.userId)),
        int64s(friendships.map((f) => f.friendId)),
        friendships.map((f) => f.remarkName),
        friendships.map((f) => f.ver.toString()),
        friendships.map((f) => f.createdAt),
        friendships.map((f) => f.existsNow),
        int64s(friendships.map((f) => f.lsn)),
      ],
    );
  }

  await recordDirtyMarks(tx, [...marks, ...lateChannels.map((channelId): DirtyMark => ({ kind: 'recount', channelId }))], sourceTsMs);
}
