import type { PoolClient } from 'pg';
import { shardOfOwner } from '../projection/builderShard';
import type { ShardMark } from '../projection/dirtyMark';
import { addContact, addConversation, keysOfMarks, type ConversationKey } from '../projection/viewTargets';
import { buildContacts } from './buildContacts';
import { buildConversations } from './buildConversations';
import { handOverRows } from './dirtyMarks';
import { directConversationsOf } from './viewLookups';

export interface BuildResult {
  readonly conversationRows: number;
  readonly conversationRowsChanged: number;
  readonly contactRows: number;
  /** Marks left for other shards: rows there that show a peer this pass found. */
  readonly handedOver: number;
}

/**
 * Recomputes, inside the builder's transaction, every view row of the shards' owners that the
 * marks point at, from the ref_ tables. Everything it reads of the views (stored rows, the reverse
 * indexes) belongs to those shards, written only by their earlier passes.
 */
export async function buildViews(tx: PoolClient, marks: readonly ShardMark[], shards: ReadonlySet<number>): Promise<BuildResult> {
  const owns = (userId: bigint) => shards.has(shardOfOwner(userId));
  const keys = keysOfMarks(marks);
  // A remark shows on the direct conversations of the pair (the owner's rows: this pass's shards).
  for (const key of await directConversationsOf(tx, keys.remarkPairs)) addConversation(keys, key);

  const conversations = await buildConversations(tx, keys, owns);
  // A pair's contact rows show their smallest direct channel: rebuilt when a new one appears. The
  // peer's rows of that channel show this owner once the peer's shard builds them again; in the
  // pass's shards they were built in this pass already (both members of a direct channel are read).
  const handOver: ConversationKey[] = [];
  for (const { owner, peer, channelId } of conversations.newDirectPairs) {
    addContact(keys, { userId: owner, contactUserId: peer });
    if (!owns(peer)) handOver.push({ userId: peer, channelId });
  }
  // Written in this transaction: if the pass is lost, so is the hand-over, and the rows built again.
  await handOverRows(tx, handOver);
  const contactRows = await buildContacts(tx, [...keys.contacts.values()]);
  return {
    conversationRows: conversations.rows.length,
    conversationRowsChanged: conversations.changed,
    contactRows,
    handedOver: handOver.length,
  };
}
