import { column, nullableColumn, ownColumn } from './viewColumn';
import { defineView, type ApiRowOf, type RowOf } from './viewDefinition';

/**
 * user_conversation_view: one row per channel_members row, CONTRACT.md's columns in its order,
 * then the source versions the row was built from. The docs are the contract's wording.
 */
export const userConversationView = defineView({
  table: 'user_conversation_view',
  columns: {
    userId: column.int64('user_id', { doc: 'the owner (in the query API, the token’s user)' }),
    channelId: column.int64('channel_id'),
    conversationType: column.int16('conversation_type', { oneOf: [1, 2], doc: '1 direct, 2 group' }),
    peerUserId: nullableColumn.int64('peer_user_id', { doc: 'direct: the other member; group: null' }),
    peerNickname: column.text('peer_nickname', { doc: 'direct: the peer’s current nickname; group: empty' }),
    peerAvatar: column.text('peer_avatar', { doc: 'direct: the peer’s current avatar; group: empty' }),
    remarkName: column.text('remark_name', { doc: 'direct: the owner’s remark for the peer, or empty' }),
    conversationName: column.text('conversation_name', { doc: 'direct: remark, else the peer’s nickname; group: its name' }),
    conversationAvatar: column.text('conversation_avatar', { doc: 'direct: the peer’s avatar; group: its avatar' }),
    lastMessageId: nullableColumn.int64('last_message_id', { doc: 'the message with the highest seq; null when none' }),
    lastMessageSeq: column.int64('last_message_seq', { zeroAllowed: true, doc: 'seq of the last message, 0 when none' }),
    lastMessageType: nullableColumn.int16('last_message_type'),
    lastMessageContent: column.text('last_message_content', { doc: 'empty when recalled or none' }),
    lastMessageSenderId: nullableColumn.int64('last_message_sender_id', { doc: 'the last message’s sender; null when none' }),
    lastMessageSenderName: column.text('last_message_sender_name', { doc: 'the sender’s current nickname' }),
    lastMessageTime: nullableColumn.time('last_message_time', { doc: 'when the last message was sent, null when none' }),
    unreadCount: column.int32('unread_count', {
      minimum: 0,
      doc: 'messages after the owner’s last read, not sent by the owner, not recalled',
    }),
    isPinned: column.bool('is_pinned'),
    isMuted: column.bool('is_muted'),
    isHidden: column.bool('is_hidden'),
    closedAt: nullableColumn.time('closed_at', { doc: 'when the owner left or the group was dissolved; null while open' }),
    memberVer: ownColumn.version('member_ver'),
    channelInfoVer: ownColumn.version('channel_info_ver'),
    peerProfileVer: ownColumn.version('peer_profile_ver'),
    lastReadSeq: ownColumn.int64('last_read_seq'),
  },
  key: ['userId', 'channelId'],
  owner: 'userId',
  touchedAt: 'projected_at',
});

export type ConversationRow = RowOf<typeof userConversationView>;
export type Conversation = ApiRowOf<typeof userConversationView>;
