import type { Pool } from 'pg';
import { CONVERSATION_COLUMNS, conversationPageStatement } from './conversationPageStatement';
import { encodeConversationCursor, type ConversationPosition } from './pageCursor';
import { isoFromPgTimestamptz, isoFromPgTimestamptzOrNull } from './utcTimestamp';

/** A user_conversation_view row as the query pool returns it: int8 and timestamptz as text. */
interface ConversationRecord {
  readonly user_id: string;
  readonly channel_id: string;
  readonly conversation_type: number;
  readonly peer_user_id: string | null;
  readonly peer_nickname: string;
  readonly peer_avatar: string;
  readonly remark_name: string;
  readonly conversation_name: string;
  readonly conversation_avatar: string;
  readonly last_message_id: string | null;
  readonly last_message_seq: string;
  readonly last_message_type: number | null;
  readonly last_message_content: string;
  readonly last_message_sender_id: string | null;
  readonly last_message_sender_name: string;
  readonly last_message_time: string | null;
  readonly unread_count: number;
  readonly is_pinned: boolean;
  readonly is_muted: boolean;
  readonly is_hidden: boolean;
  readonly closed_at: string | null;
}

/** A conversation as the API shows it: the contract's columns in camelCase, ids as decimal strings. */
export interface Conversation {
  readonly userId: string;
  readonly channelId: string;
  readonly conversationType: number;
  readonly peerUserId: string | null;
  readonly peerNickname: string;
  readonly peerAvatar: string;
  readonly remarkName: string;
  readonly conversationName: string;
  readonly conversationAvatar: string;
  readonly lastMessageId: string | null;
  readonly lastMessageSeq: string;
  readonly lastMessageType: number | null;
  readonly lastMessageContent: string;
  readonly lastMessageSenderId: string | null;
  readonly lastMessageSenderName: string;
  readonly lastMessageTime: string | null;
  readonly unreadCount: number;
  readonly isPinned: boolean;
  readonly isMuted: boolean;
  readonly isHidden: boolean;
  readonly closedAt: string | null;
}

export interface ConversationPage {
  readonly conversations: readonly Conversation[];
  /** Where the next page starts, or null when this page reached the end of the list. */
  readonly nextCursor: string | null;
}

const conversationOf = (r: ConversationRecord): Conversation => ({
  userId: r.user_id,
  channelId: r.channel_id,
  conversationType: r.conversation_type,
  peerUserId: r.peer_user_id,
  peerNickname: r.peer_nickname,
  peerAvatar: r.peer_avatar,
  remarkName: r.remark_name,
  conversationName: r.conversation_name,
  conversationAvatar: r.conversation_avatar,
  lastMessageId: r.last_message_id,
  lastMessageSeq: r.last_message_seq,
  lastMessageType: r.last_message_type,
  lastMessageContent: r.last_message_content,
  lastMessageSenderId: r.last_message_sender_id,
  lastMessageSenderName: r.last_message_sender_name,
  lastMessageTime: isoFromPgTimestamptzOrNull(r.last_message_time),
  unreadCount: r.unread_count,
  isPinned: r.is_pinned,
  isMuted: r.is_muted,
  isHidden: r.is_hidden,
  closedAt: r.closed_at === null ? null : isoFromPgTimestamptz(r.closed_at),
});

/** Reads of user_conversation_view, each one statement on one table and one user's partition. */
export function conversationQueries({ pool }: { pool: Pool }) {
  return {
    /** The user's conversation list (open and visible rows), in the contract's order. */
    async page(ownerId: bigint, after: ConversationPosition | null, limit: number): Promise<ConversationPage> {
      // One row more than asked says whether another page exists, so the last page has no cursor.
      const { text, values } = conversationPageStatement(ownerId.toString(), after, limit + 1);
      const { rows } = await pool.query<ConversationRecord>(text, values as unknown[]);
      const conversations = rows.slice(0, limit).map(conversationOf);
      const last = conversations[conversations.length - 1];
      const nextCursor =
        rows.length > limit && last !== undefined
          ? encodeConversationCursor({ isPinned: last.isPinned, lastMessageTime: last.lastMessageTime, channelId: last.channelId })
          : null;
      return { conversations, nextCursor };
    },

    /** One of the user's conversations, listed or not (hidden and closed ones too). */
    async one(ownerId: bigint, channelId: bigint): Promise<Conversation | undefined> {
      const { rows } = await pool.query<ConversationRecord>(
        `select ${CONVERSATION_COLUMNS} from user_conversation_view where user_id = $1::bigint and channel_id = $2::bigint`,
        [ownerId.toString(), channelId.toString()],
      );
      return rows[0] === undefined ? undefined : conversationOf(rows[0]);
    },
  };
}

export type ConversationQueries = ReturnType<typeof conversationQueries>;
