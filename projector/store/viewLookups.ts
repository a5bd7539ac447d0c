import type { PoolClient } from 'pg';
import { pairKey } from '../projection/pairKey';
import type { CountedState } from '../projection/unreadCount';
import type { ContactKey, ConversationKey } from '../projection/viewTargets';
import { probeByKeys } from './keyedProbe';
import { big, bigOrNull } from './rowReaders';
import { int64s } from './sqlValues';

/** The builder's reads of the views it writes (always its own shard's rows): stored state, and the reverse indexes. */

export interface StoredConversation extends CountedState {
  readonly peerUserId: bigint | null;
}

/** What each conversation row held when last built, by pairKey(user, channel). */
export async function storedConversations(tx: PoolClient, keys: readonly ConversationKey[]): Promise<Map<string, StoredConversation>> {
  const rows = await probeByKeys(
    tx,
    'user_conversation_view',
    [{ column: 'user_id' }, { column: 'channel_id' }],
    keys.map((k) => [k.userId, k.channelId]),
    ['user_id', 'channel_id', 'unread_count', 'last_message_seq', 'last_read_seq', 'peer_user_id'],
  );
  return new Map(
    rows.map((r) => [
      pairKey(big(r.user_id), big(r.channel_id)),
      {
        unreadCount: Number(r.unread_count),
        lastMessageSeq: big(r.last_message_seq),
        lastReadSeq: big(r.last_read_seq),
        peerUserId: bigOrNull(r.peer_user_id),
      },
    ]),
  );
}

/** The owner's direct conversations with the contact, for each pair. */
export async function directConversationsOf(tx: PoolClient, pairs: readonly ContactKey[]): Promise<ConversationKey[]> {
  const rows = await probeByKeys(
    tx,
    'conversation_reverse_index',
    [{ column: 'peer_user_id' }, { column: 'owner_user_id' }],
    pairs.map((p) => [p.contactUserId, p.userId]),
  );
  return rows.map((r) => ({ userId: big(r.owner_user_id), channelId: big(r.channel_id) }));
}

/**
 * The smallest direct channel of each pair, by pairKey(user, contact): the pair's direct
 * channels are exactly the reverse index entries (peer = contact, owner = user).
 */
export async function smallestDirectChannels(tx: PoolClient, pairs: readonly ContactKey[]): Promise<Map<string, bigint>> {
  if (pairs.length === 0) return new Map();
  const { rows } = await tx.query(
    `select k.owner, k.peer, r.channel_id from unnest($1::bigint[], $2::bigint[]) k(owner, peer)
       cross join lateral (select min(channel_id) as channel_id from conversation_reverse_index r
                            where r.peer_user_id = k.peer and r.owner_user_id = k.owner) r
      where r.channel_id is not null`,
    [int64s(pairs.map((p) => p.userId)), int64s(pairs.map((p) => p.contactUserId))],
  );
  return new Map(rows.map((r) => [pairKey(big(r.owner), big(r.peer)), big(r.channel_id)]));
}
