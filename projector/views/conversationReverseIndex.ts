import { column } from './viewColumn';
import { defineView, type RowOf } from './viewDefinition';

/** conversation_reverse_index: whose conversations show a peer, one row per conversation row with a peer. */
export const conversationReverseIndex = defineView({
  table: 'conversation_reverse_index',
  columns: {
    peerUserId: column.int64('peer_user_id'),
    ownerUserId: column.int64('owner_user_id'),
    channelId: column.int64('channel_id'),
  },
  key: ['peerUserId', 'ownerUserId', 'channelId'],
  owner: 'ownerUserId',
});

export type ConversationReverseEntry = RowOf<typeof conversationReverseIndex>;
