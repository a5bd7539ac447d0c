import type { Pool } from 'pg';
import { userConversationView, type Conversation } from '../../projector/views/userConversationView';
import { contractColumnList } from '../../projector/views/viewDefinition';
import { conversationPageStatement } from './conversationPageStatement';
import { encodeConversationCursor, type ConversationPosition } from './pageCursor';
import { apiRowOf, type ViewRecord } from './viewRecords';

export type { Conversation };

export interface ConversationPage {
  readonly conversations: readonly Conversation[];
  /** Where the next page starts, or null when this page reached the end of the list. */
  readonly nextCursor: string | null;
}

const conversationOf = (record: ViewRecord): Conversation => apiRowOf(userConversationView, record);

/** Reads of user_conversation_view, each one statement on one table and one user's partition. */
export function createConversationQueries({ pool }: { pool: Pool }) {
  return {
    /** The user's conversation list (open and visible rows), in the contract's order. */
    async page(ownerId: bigint, after: ConversationPosition | null, limit: number): Promise<ConversationPage> {
      // One row more than asked says whether another page exists, so the last page has no cursor.
      const { text, values } = conversationPageStatement(ownerId.toString(), after, limit + 1);
      const { rows } = await pool.query<ViewRecord>(text, values as unknown[]);
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
      const { rows } = await pool.query<ViewRecord>(
        `select ${contractColumnList(userConversationView)} from ${userConversationView.table} where user_id = $1::bigint and channel_id = $2::bigint`,
        [ownerId.toString(), channelId.toString()],
      );
      return rows[0] === undefined ? undefined : conversationOf(rows[0]);
    },
  };
}

export type ConversationQueries = ReturnType<typeof createConversationQueries>;
