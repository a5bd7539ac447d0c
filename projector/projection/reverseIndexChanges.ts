import type { ConversationReverseEntry } from '../views/conversationReverseIndex';
import type { ConversationRow } from '../views/userConversationView';
import { pairKey } from './pairKey';

export interface ReverseIndexChanges {
  /** Entries the built rows need. */
  readonly wanted: readonly ConversationReverseEntry[];
  /** Entries of a peer a row no longer shows. */
  readonly stale: readonly ConversationReverseEntry[];
  /** (owner, peer) pairs that gained a direct conversation (channelId): their contact rows show it. */
  readonly newDirectPairs: ReadonlyArray<{ readonly owner: bigint; readonly peer: bigint; readonly channelId: bigint }>;
}

/** How conversation_reverse_index follows built rows, given each row's peer before the build. */
export function reverseIndexChanges(rows: readonly ConversationRow[], peerBefore: ReadonlyMap<string, bigint | null>): ReverseIndexChanges {
  const wanted: ConversationReverseEntry[] = [];
  const stale: ConversationReverseEntry[] = [];
  const newDirectPairs: Array<{ owner: bigint; peer: bigint; channelId: bigint }> = [];
  for (const row of rows) {
    const before = peerBefore.get(pairKey(row.userId, row.channelId)) ?? null;
    if (row.peerUserId !== null) wanted.push({ peerUserId: row.peerUserId, ownerUserId: row.userId, channelId: row.channelId });
    if (before !== null && before !== row.peerUserId) stale.push({ peerUserId: before, ownerUserId: row.userId, channelId: row.channelId });
    if (row.peerUserId !== null && before !== row.peerUserId)
      newDirectPairs.push({ owner: row.userId, peer: row.peerUserId, channelId: row.channelId });
  }
  return { wanted, stale, newDirectPairs };
}
