import type { PoolClient } from 'pg';
import { shardOfOwnerSql } from '../projection/builderShard';
import { pairKey } from '../projection/pairKey';
import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, MessageRef, UserRef } from '../projection/refRows';
import type { ChannelInShard, ConversationKey } from '../projection/viewTargets';
import { probeByKeys, rowsWithIds } from './keyedProbe';
import { big, channelRef, friendshipRef, lastMessageRef, memberRef, messageRef, userRef } from './rowReaders';
import { int64s } from './sqlValues';

/** The builder's reads of the ref_ tables, each named for what it answers. */

const byId = <T extends { readonly id: bigint }>(refs: readonly T[]): Map<bigint, T> => new Map(refs.map((r) => [r.id, r]));

export async function channelsById(tx: PoolClient, ids: readonly bigint[]): Promise<Map<bigint, ChannelRef>> {
  return byId((await rowsWithIds(tx, 'ref_channels', 'id', ids)).map(channelRef));
}

export async function usersById(tx: PoolClient, ids: readonly bigint[]): Promise<Map<bigint, UserRef>> {
  return byId((await rowsWithIds(tx, 'ref_users', 'id', [...new Set(ids)])).map(userRef));
}

export async function membersOfChannels(tx: PoolClient, channelIds: readonly bigint[]): Promise<MemberRef[]> {
  return (await rowsWithIds(tx, 'ref_channel_members', 'channel_id', channelIds)).map(memberRef);
}

/** The members of each channel whose rows belong to the shard named with it (builderShard.ts). */
export async function membersOfChannelsInShards(tx: PoolClient, pairs: readonly ChannelInShard[]): Promise<MemberRef[]> {
  if (pairs.length === 0) return [];
  // A channel's members are read through its index and filtered by shard: a group of 10,000 costs
  // each of its shards a walk of 10,000 index entries, a few milliseconds.
  const { rows } = await tx.query(
    `select t.* from unnest($1::bigint[], $2::int[]) k(channel_id, shard)
       cross join lateral (
         select * from ref_channel_members t where t.channel_id = k.channel_id and ${shardOfOwnerSql('t.user_id')} = k.shard offset 0
       ) t`,
    [int64s(pairs.map((p) => p.channelId)), pairs.map((p) => p.shard)],
  );
  return rows.map(memberRef);
}

export async function membersWithKeys(tx: PoolClient, keys: readonly ConversationKey[]): Promise<MemberRef[]> {
  const rows = await probeByKeys(
    tx,
    'ref_channel_members',
    [{ column: 'channel_id' }, { column: 'user_id' }],
    keys.map((k) => [k.channelId, k.userId]),
  );
  return rows.map(memberRef);
}

export async function lastMessagesOf(tx: PoolClient, channelIds: readonly bigint[]): Promise<Map<bigint, LastMessageRef>> {
  const refs = (await rowsWithIds(tx, 'ref_last_messages', 'channel_id', channelIds)).map(lastMessageRef);
  return new Map(refs.map((m) => [m.channelId, m]));
}

/** last_read_seq by pairKey(user, channel); absent when no read record has arrived. */
export async function readSeqsOf(tx: PoolClient, keys: readonly ConversationKey[]): Promise<Map<string, bigint>> {
  const rows = await probeByKeys(
    tx,
    'ref_read_records',
    [{ column: 'user_id' }, { column: 'channel_id' }],
    keys.map((k) => [k.userId, k.channelId]),
    ['user_id', 'channel_id', 'last_read_seq'],
  );
  return new Map(rows.map((r) => [pairKey(big(r.user_id), big(r.channel_id)), big(r.last_read_seq)]));
}

/** Friendship rows (live or deleted) by pairKey(user, friend). */
export async function friendshipsOf(
  tx: PoolClient,
  pairs: ReadonlyArray<readonly [user: bigint, friend: bigint]>,
): Promise<Map<string, FriendshipRef>> {
  const refs = (await probeByKeys(tx, 'ref_friendships', [{ column: 'user_id' }, { column: 'friend_id' }], pairs)).map(friendshipRef);
  return new Map(refs.map((f) => [pairKey(f.userId, f.friendId), f]));
}

/** Each channel's messages after the given seq, by channel. */
export async function messagesAfter(tx: PoolClient, afterSeq: ReadonlyMap<bigint, bigint>): Promise<Map<bigint, MessageRef[]>> {
  const rows = await probeByKeys(
    tx,
    'ref_messages',
    [{ column: 'channel_id' }, { column: 'seq', compare: '>' }],
    [...afterSeq],
    ['channel_id', 'seq', 'sender_id', 'recalled'],
  );
  const byChannel = new Map<bigint, MessageRef[]>();
  for (const m of rows.map(messageRef)) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
  return byChannel;
}

/** The contract's unread count counted from scratch, by pairKey(user, channel). */
export async function unreadCountsFromScratch(
  tx: PoolClient,
  rows: ReadonlyArray<{ readonly userId: bigint; readonly channelId: bigint; readonly lastReadSeq: bigint }>,
): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const counted = await tx.query(
    `select k.user_id, k.channel_id,
            (select count(*) from ref_messages m
              where m.channel_id = k.channel_id and m.seq > k.last_read_seq and m.sender_id <> k.user_id and not m.recalled) as unread
       from unnest($1::bigint[], $2::bigint[], $3::bigint[]) k(user_id, channel_id, last_read_seq)`,
    [int64s(rows.map((r) => r.userId)), int64s(rows.map((r) => r.channelId)), int64s(rows.map((r) => r.lastReadSeq))],
  );
  return new Map(counted.rows.map((r) => [pairKey(big(r.user_id), big(r.channel_id)), Number(r.unread)]));
}
