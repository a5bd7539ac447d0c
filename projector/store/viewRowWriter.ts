import type { PoolClient } from 'pg';
import type { ContactRow } from '../projection/contactRow';
import type { ConversationRow } from '../projection/conversationRow';
import { int64s, nullableInt64s } from './sqlValues';

/**
 * Multi-row writes of built view rows and their reverse index entries. An unchanged row is not
 * rewritten (IS DISTINCT FROM), so a replay produces no churn.
 */

export async function upsertConversationRows(tx: PoolClient, rows: readonly ConversationRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await tx.query(
    `insert into user_conversation_view as v (
       user_id, channel_id, conversation_type, peer_user_id, peer_nickname, peer_avatar, remark_name,
       conversation_name, conversation_avatar, last_message_id, last_message_seq, last_message_type,
       last_message_content, last_message_sender_id, last_message_sender_name, last_message_time,
       unread_count, is_pinned, is_muted, is_hidden, closed_at, member_ver, channel_info_ver, peer_profile_ver, last_read_seq)
     select * from unnest(
       $1::bigint[], $2::bigint[], $3::smallint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::smallint[],
       $13::text[], $14::bigint[], $15::text[], $16::timestamptz[],
       $17::int[], $18::bool[], $19::bool[], $20::bool[], $21::timestamptz[], $22::int[], $23::int[], $24::int[], $25::bigint[])
     on conflict (user_id, channel_id) do update set
       conversation_type = excluded.conversation_type, peer_user_id = excluded.peer_user_id,
       peer_nickname = excluded.peer_nickname, peer_avatar = excluded.peer_avatar, remark_name = excluded.remark_name,
       conversation_name = excluded.conversation_name, conversation_avatar = excluded.conversation_avatar,
       last_message_id = excluded.last_message_id, last_message_seq = excluded.last_message_seq,
       last_message_type = excluded.last_message_type, last_message_content = excluded.last_message_content,
       last_message_sender_id = excluded.last_message_sender_id, last_message_sender_name = excluded.last_message_sender_name,
       last_message_time = excluded.last_message_time, unread_count = excluded.unread_count,
       is_pinned = excluded.is_pinned, is_muted = excluded.is_muted, is_hidden = excluded.is_hidden, closed_at = excluded.closed_at,
       member_ver = excluded.member_ver, channel_info_ver = excluded.channel_info_ver,
       peer_profile_ver = excluded.peer_profile_ver, last_read_seq = excluded.last_read_seq, projected_at = now()
     where (v.conversation_type, v.peer_user_id, v.peer_nickname, v.peer_avatar, v.remark_name, v.conversation_name,
            v.conversation_avatar, v.last_message_id, v.last_message_seq, v.last_message_type, v.last_message_content,
            v.last_message_sender_id, v.last_message_sender_name, v.last_message_time, v.unread_count, v.is_pinned,
            v.is_muted, v.is_hidden, v.closed_at, v.member_ver, v.channel_info_ver, v.peer_profile_ver, v.last_read_seq)
       is distinct from
           (excluded.conversation_type, excluded.peer_user_id, excluded.peer_nickname, excluded.peer_avatar, excluded.remark_name,
            excluded.conversation_name, excluded.conversation_avatar, excluded.last_message_id, excluded.last_message_seq,
            excluded.last_message_type, excluded.last_message_content, excluded.last_message_sender_id,
            excluded.last_message_sender_name, excluded.last_message_time, excluded.unread_count, excluded.is_pinned,
            excluded.is_muted, excluded.is_hidden, excluded.closed_at, excluded.member_ver, excluded.channel_info_ver,
            excluded.peer_profile_ver, excluded.last_read_seq)`,
    [
      int64s(rows.map((r) => r.userId)), int64s(rows.map((r) => r.channelId)), rows.map((r) => r.conversationType),
      nullableInt64s(rows.map((r) => r.peerUserId)), rows.map((r) => r.peerNickname), rows.map((r) => r.peerAvatar),
      rows.map((r) => r.remarkName), rows.map((r) => r.conversationName), rows.map((r) => r.conversationAvatar),
      nullableInt64s(rows.map((r) => r.lastMessageId)), int64s(rows.map((r) => r.lastMessageSeq)), rows.map((r) => r.lastMessageType),
      rows.map((r) => r.lastMessageContent), nullableInt64s(rows.map((r) => r.lastMessageSenderId)), rows.map((r) => r.lastMessageSenderName),
      rows.map((r) => r.lastMessageTime), rows.map((r) => r.unreadCount), rows.map((r) => r.isPinned), rows.map((r) => r.isMuted),
      rows.map((r) => r.isHidden), rows.map((r) => r.closedAt), int64s(rows.map((r) => r.memberVer)), int64s(rows.map((r) => r.channelInfoVer)),
      int64s(rows.map((r) => r.peerProfileVer)), int64s(rows.map((r) => r.lastReadSeq)),
    ],
  );
  return result.rowCount ?? 0;
}

/** Entries (peer, owner, channel) that must exist, and stale ones (a peer that changed) to remove. */
export async function syncConversationReverseIndex(
  tx: PoolClient,
  wanted: ReadonlyArray<{ peer: bigint; owner: bigint; channel: bigint }>,
  stale: ReadonlyArray<{ peer: bigint; owner: bigint; channel: bigint }>,
): Promise<void> {
  if (stale.length > 0) {
    await tx.query(
      `delete from conversation_reverse_index r using unnest($1::bigint[], $2::bigint[], $3::bigint[]) s(peer, owner, channel)
        where r.peer_user_id = s.peer and r.owner_user_id = s.owner and r.channel_id = s.channel`,
      [int64s(stale.map((s) => s.peer)), int64s(stale.map((s) => s.owner)), int64s(stale.map((s) => s.channel))],
    );
  }
  if (wanted.length > 0) {
    await tx.query(
      `insert into conversation_reverse_index (peer_user_id, owner_user_id, channel_id)
       select * from unnest($1::bigint[], $2::bigint[], $3::bigint[]) on conflict do nothing`,
      [int64s(wanted.map((w) => w.peer)), int64s(wanted.map((w) => w.owner)), int64s(wanted.map((w) => w.channel))],
    );
  }
}

export async function upsertContactRows(tx: PoolClient, rows: readonly ContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into user_contact_view as v (user_id, contact_user_id, remark_name, nickname, avatar, display_name,
       direct_channel_id, friends_since, friend_ver, contact_profile_ver)
     select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
       $8::timestamptz[], $9::int[], $10::int[])
     on conflict (user_id, contact_user_id) do update set
       remark_name = excluded.remark_name, nickname = excluded.nickname, avatar = excluded.avatar,
       display_name = excluded.display_name, direct_channel_id = excluded.direct_channel_id,
       friends_since = excluded.friends_since, friend_ver = excluded.friend_ver,
       contact_profile_ver = excluded.contact_profile_ver, projected_at = now()
     where (v.remark_name, v.nickname, v.avatar, v.display_name, v.direct_channel_id, v.friends_since, v.friend_ver, v.contact_profile_ver)
       is distinct from (excluded.remark_name, excluded.nickname, excluded.avatar, excluded.display_name,
         excluded.direct_channel_id, excluded.friends_since, excluded.friend_ver, excluded.contact_profile_ver)`,
    [
      int64s(rows.map((r) => r.userId)), int64s(rows.map((r) => r.contactUserId)), rows.map((r) => r.remarkName),
      rows.map((r) => r.nickname), rows.map((r) => r.avatar), rows.map((r) => r.displayName),
      nullableInt64s(rows.map((r) => r.directChannelId)), rows.map((r) => r.friendsSince),
      int64s(rows.map((r) => r.friendVer)), int64s(rows.map((r) => r.contactProfileVer)),
    ],
  );
  await tx.query(
    `insert into contact_reverse_index (contact_user_id, owner_user_id)
     select * from unnest($1::bigint[], $2::bigint[]) on conflict do nothing`,
    [int64s(rows.map((r) => r.contactUserId)), int64s(rows.map((r) => r.userId))],
  );
}

export async function deleteContactRows(tx: PoolClient, keys: ReadonlyArray<{ userId: bigint; contactUserId: bigint }>): Promise<void> {
  if (keys.length === 0) return;
  const owners = int64s(keys.map((k) => k.userId));
  const contacts = int64s(keys.map((k) => k.contactUserId));
  await tx.query(
    `delete from user_contact_view v using unnest($1::bigint[], $2::bigint[]) k(owner, contact)
      where v.user_id = k.owner and v.contact_user_id = k.contact`,
    [owners, contacts],
  );
  await tx.query(
    `delete from contact_reverse_index r using unnest($1::bigint[], $2::bigint[]) k(owner, contact)
      where r.contact_user_id = k.contact and r.owner_user_id = k.owner`,
    [owners, contacts],
  );
}
