import type { ViewName } from './contractViews';

/**
 * Each contract view computed from im_write, one query per view, written to be read side by
 * side with CONTRACT.md rather than to be fast: every output column carries the contract's
 * wording as a comment. Columns come out with their contract types and names (so a rebuild can
 * insert them as they are), unordered.
 *
 * Every query takes one parameter, $1 bigint[]: the owners to compute, or null for all of them.
 */
export interface RowsQuery {
  readonly text: string;
  readonly values: readonly [owners: readonly string[] | null];
}

/**
 * One row per channel_members row m (active or left) with its channel c and, for a direct
 * channel, its peer. Shared by user_conversation_view and conversation_reverse_index, which the
 * contract defines as "one row for every user_conversation_view row with a peer_user_id".
 */
const conversationMembers = `
  conversation_members as (
    select m.user_id, m.channel_id, m.left_at, m.is_pinned, m.is_muted, m.is_hidden,
           c.channel_type, c.channel_name, c.channel_avatar, c.dissolved_at,
           -- direct: the other member's user_id; group: null. A direct channel has exactly two
           -- members (a writer rule); where the write side breaks it there is no single peer, so
           -- null. CASE, not a join condition, keeps groups from counting their members per member.
           case when c.channel_type = 1 then (
             select case when count(*) = 1 then min(o.user_id) end
               from channel_members o
              where o.channel_id = m.channel_id and o.user_id <> m.user_id
           ) end as peer_user_id
      from channel_members m
      join channels c on c.id = m.channel_id
     where $1::bigint[] is null or m.user_id = any($1::bigint[])
  )`;

const userConversationRows = `
  with ${conversationMembers},
  conversation_peers as (
    -- A group has no peer, so its peer and friendship joins find nothing and give ''.
    select cm.*,
           coalesce(peer.nickname, '') as peer_nickname,   -- the peer's current users.nickname
           coalesce(peer.avatar, '') as peer_avatar,       -- the peer's current users.avatar
           -- friendships(user_id = m.user_id, friend_id = peer).remark_name if that row exists, else ''
           coalesce(f.remark_name, '') as remark_name
      from conversation_members cm
      left join users peer on peer.id = cm.peer_user_id
      left join friendships f on f.user_id = cm.user_id and f.friend_id = cm.peer_user_id
  )
  select cp.user_id,
         cp.channel_id,
         cp.channel_type as conversation_type,
         cp.peer_user_id,
         cp.peer_nickname,
         cp.peer_avatar,
         cp.remark_name,
         -- direct: remark_name if not empty, else peer_nickname; group: c.channel_name
         case cp.channel_type
           when 1 then case when cp.remark_name <> '' then cp.remark_name else cp.peer_nickname end
           when 2 then cp.channel_name
         end as conversation_name,
         -- direct: peer_avatar; group: c.channel_avatar
         case cp.channel_type when 1 then cp.peer_avatar when 2 then cp.channel_avatar end as conversation_avatar,
         -- the channel's message with the highest seq; none: null and 0
         last.id as last_message_id,
         coalesce(last.seq, 0) as last_message_seq,
         last.msg_type as last_message_type,
         -- its content, or '' if it was recalled or there is none
         case when last.id is not null and last.recalled_at is null then last.content else '' end as last_message_content,
         last.sender_id as last_message_sender_id,
         -- the sender's current nickname ('' if none)
         coalesce(sender.nickname, '') as last_message_sender_name,
         last.created_at as last_message_time,
         -- messages of the channel with seq > last_read_seq (0 when there is no read record),
         -- sender_id <> m.user_id and recalled_at is null
         (select count(*)
            from messages unread
           where unread.channel_id = cp.channel_id
             and unread.seq > coalesce(rr.last_read_seq, 0)
             and unread.sender_id <> cp.user_id
             and unread.recalled_at is null
         )::integer as unread_count,
         cp.is_pinned,
         cp.is_muted,
         cp.is_hidden,
         -- m.left_at if not null, else c.dissolved_at
         coalesce(cp.left_at, cp.dissolved_at) as closed_at
    from conversation_peers cp
    left join lateral (
      select msg.id, msg.seq, msg.msg_type, msg.content, msg.sender_id, msg.created_at, msg.recalled_at
        from messages msg
       where msg.channel_id = cp.channel_id
       order by msg.seq desc
       limit 1
    ) last on true
    left join users sender on sender.id = last.sender_id
    left join channel_read_records rr on rr.user_id = cp.user_id and rr.channel_id = cp.channel_id`;

const conversationReverseIndexRows = `
  with ${conversationMembers}
  select cm.peer_user_id, cm.user_id as owner_user_id, cm.channel_id
    from conversation_members cm
   where cm.peer_user_id is not null`;

/** One row for every friendships row f. */
const userContactRows = `
  select f.user_id,
         f.friend_id as contact_user_id,
         f.remark_name,
         contact.nickname,   -- the contact's current users.nickname
         contact.avatar,     -- the contact's current users.avatar
         case when f.remark_name <> '' then f.remark_name else contact.nickname end as display_name,
         -- the smallest id of a direct channel whose two members are f.user_id and f.friend_id
         -- (both are members, and nobody else is; a member who left still counts); null if none
         (select min(c.id)
            from channels c
            join channel_members mine on mine.channel_id = c.id and mine.user_id = f.user_id
            join channel_members theirs on theirs.channel_id = c.id and theirs.user_id = f.friend_id
           where c.channel_type = 1
             and not exists (
               select 1 from channel_members other
                where other.channel_id = c.id and other.user_id not in (f.user_id, f.friend_id))
         ) as direct_channel_id,
         f.created_at as friends_since
    from friendships f
    -- A left join keeps "one row for every friendships row" even if a user were missing.
    left join users contact on contact.id = f.friend_id
   where $1::bigint[] is null or f.user_id = any($1::bigint[])`;

/** One row for every user_contact_view row, that is, for every friendships row. */
const contactReverseIndexRows = `
  select f.friend_id as contact_user_id, f.user_id as owner_user_id
    from friendships f
   where $1::bigint[] is null or f.user_id = any($1::bigint[])`;

const EXPECTED_ROWS_SQL: Readonly<Record<ViewName, string>> = {
  user_conversation_view: userConversationRows,
  user_contact_view: userContactRows,
  conversation_reverse_index: conversationReverseIndexRows,
  contact_reverse_index: contactReverseIndexRows,
};

/** The rows `view` must hold according to CONTRACT.md, for `owners` (all owners when omitted). */
export function expectedRowsQuery(view: ViewName, owners?: readonly string[]): RowsQuery {
  return { text: EXPECTED_ROWS_SQL[view], values: [owners ?? null] };
}
