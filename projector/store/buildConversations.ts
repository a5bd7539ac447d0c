import type { PoolClient } from 'pg';
import { conversationRow } from '../projection/conversationRow';
import { pairKey } from '../projection/pairKey';
import { reverseIndexChanges, type ReverseIndexChanges } from '../projection/reverseIndexChanges';
import { countOn, planUnreadCounts } from '../projection/unreadCount';
import { conversationTargets, markedChannels, membersToRead, type MarkedKeys } from '../projection/viewTargets';
import type { ConversationRow } from '../views/userConversationView';
import {
  channelsById,
  friendshipsOf,
  lastMessagesOf,
  membersOfChannels,
  membersOfChannelsInShards,
  membersWithKeys,
  messagesAfter,
  readSeqsOf,
  unreadCountsFromScratch,
  usersById,
} from './refLookups';
import { storedConversations } from './viewLookups';
import { syncConversationReverseIndex, upsertConversationRows } from './viewRowWriter';

export interface ConversationsBuilt {
  readonly rows: readonly ConversationRow[];
  /** Rows really rewritten (unchanged ones are skipped). */
  readonly changed: number;
  readonly newDirectPairs: ReverseIndexChanges['newDirectPairs'];
}

/**
 * Rebuilds the conversation rows `keys` name and their reverse index entries: only rows of owners
 * `owns` accepts (the pass's shards), though a direct channel's other member is read for its peer.
 */
export async function buildConversations(tx: PoolClient, keys: MarkedKeys, owns: (userId: bigint) => boolean): Promise<ConversationsBuilt> {
  const channels = await channelsById(tx, markedChannels(keys));
  const toRead = membersToRead(keys, channels);
  const members = [
    ...(await membersOfChannels(tx, toRead.wholeChannels)),
    ...(await membersOfChannelsInShards(tx, toRead.channelsInShards)),
    ...(await membersWithKeys(tx, toRead.singleMembers)),
  ];
  const targets = conversationTargets(channels, members, owns);
  if (targets.length === 0) return { rows: [], changed: 0, newDirectPairs: [] };
  const targetKeys = targets.map((t) => t.member);

  const lastMessages = await lastMessagesOf(tx, [...new Set(targetKeys.map((k) => k.channelId))]);
  const readSeqs = await readSeqsOf(tx, targetKeys);
  const stored = await storedConversations(tx, targetKeys);
  const users = await usersById(tx, [
    ...targets.flatMap((t) => (t.peer === undefined ? [] : [t.peer.userId])),
    ...[...lastMessages.values()].map((m) => m.senderId),
  ]);
  const friendships = await friendshipsOf(
    tx,
    targets.flatMap((t) => (t.peer === undefined ? [] : [[t.member.userId, t.peer.userId] as const])),
  );

  // Unread counts: counted on from the stored row where that is exact, else counted afresh.
  const { plans, messagesAfter: countFrom } = planUnreadCounts(targetKeys, stored, readSeqs, keys.recountChannels);
  const newMessages = await messagesAfter(tx, countFrom);
  const fresh = await unreadCountsFromScratch(
    tx,
    plans.filter((p) => p.plan.kind === 'full'),
  );

  const rows = targets.map((t, i): ConversationRow => {
    const { lastReadSeq, plan } = plans[i]!;
    const { userId, channelId } = t.member;
    const lastMessage = lastMessages.get(channelId);
    return conversationRow({
      member: t.member,
      channel: t.channel,
      peer: t.peer,
      peerUser: t.peer === undefined ? undefined : users.get(t.peer.userId),
      friendship: t.peer === undefined ? undefined : friendships.get(pairKey(userId, t.peer.userId)),
      lastMessage,
      lastSender: lastMessage === undefined ? undefined : users.get(lastMessage.senderId),
      lastReadSeq,
      unreadCount:
        plan.kind === 'incremental'
          ? countOn(plan, userId, lastReadSeq, newMessages.get(channelId) ?? [])
          : (fresh.get(pairKey(userId, channelId)) ?? 0),
    });
  });

  const changed = await upsertConversationRows(tx, rows);
  const peersBefore = new Map([...stored].map(([key, row]) => [key, row.peerUserId]));
  const index = reverseIndexChanges(rows, peersBefore);
  await syncConversationReverseIndex(tx, index.wanted, index.stale);
  return { rows, changed, newDirectPairs: index.newDirectPairs };
}
