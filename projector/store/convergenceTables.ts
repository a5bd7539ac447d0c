import type { Pool } from 'pg';
import { k } from '../projection/convergenceSource';
import type { ExpectedContact, ExpectedConversation } from '../projection/convergenceOracle';

/**
 * Test support for convergence.sql.test.ts: the four contract tables read back in the shape of
 * the oracle (projection/convergenceOracle.ts), to compare with it.
 */

/** A timestamptz as the oracle writes it (Date#toISOString). */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** user_conversation_view's contract columns, named as the oracle names them. */
export async function conversationView(pool: Pool): Promise<Map<string, ExpectedConversation>> {
  const { rows } = await pool.query<{ user_id: bigint; channel_id: bigint } & ExpectedConversation>(
    `select user_id, channel_id,
            conversation_type as "type", peer_user_id as peer, peer_nickname as "peerNickname", peer_avatar as "peerAvatar",
            remark_name as remark, conversation_name as name, conversation_avatar as avatar,
            last_message_id as "lastId", last_message_seq as "lastSeq", last_message_type as "lastType",
            last_message_content as "lastContent", last_message_sender_id as "lastSender",
            last_message_sender_name as "lastSenderName", ${iso('last_message_time')} as "lastTime",
            unread_count as unread, array[is_pinned, is_muted, is_hidden] as flags, ${iso('closed_at')} as "closedAt"
       from user_conversation_view`,
  );
  return new Map(rows.map(({ user_id, channel_id, ...row }) => [k(user_id, channel_id), row]));
}

/** user_contact_view's contract columns, named as the oracle names them. */
export async function contactView(pool: Pool): Promise<Map<string, ExpectedContact>> {
  const { rows } = await pool.query<{ user_id: bigint; contact_user_id: bigint } & ExpectedContact>(
    `select user_id, contact_user_id, remark_name as remark, nickname, avatar, display_name as display,
            direct_channel_id as direct, ${iso('friends_since')} as since
       from user_contact_view`,
  );
  return new Map(rows.map(({ user_id, contact_user_id, ...row }) => [k(user_id, contact_user_id), row]));
}

export async function reverseIndexes(pool: Pool): Promise<{ conversations: string[]; contacts: string[] }> {
  const conversations = await pool.query<{ key: string }>(
    `select peer_user_id || ':' || owner_user_id || ':' || channel_id as key from conversation_reverse_index`,
  );
  const contacts = await pool.query<{ key: string }>(`select contact_user_id || ':' || owner_user_id as key from contact_reverse_index`);
  return { conversations: conversations.rows.map((r) => r.key).sort(), contacts: contacts.rows.map((r) => r.key).sort() };
}
