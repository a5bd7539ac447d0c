import { and, eq, isNull, sql } from 'drizzle-orm';
import { messages } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';
import { lockChannel, requireActiveMember } from './channelAccess';
import { ChannelType } from './writeModel';

export interface SentMessage {
  readonly messageId: bigint;
  readonly channelId: bigint;
  readonly seq: bigint;
  readonly createdAt: Date;
}

export interface SendMessageInput {
  readonly actorId: bigint;
  readonly channelId: bigint;
  readonly msgType: number;
  readonly content: string;
}

/**
 * Only active members of a live channel send; in a direct channel the two must still be friends.
 * The channel row is locked first (lockChannel); the INSERT is a later statement, so in READ
 * COMMITTED it sees every message committed before the lock was granted, and seq = highest + 1
 * grows by exactly one per message, in commit order, with no gap or duplicate. The checks ride
 * in the INSERT itself: the hot path is BEGIN, lock, insert, COMMIT; only a refusal costs more.
 */
export const sendMessage: Command<SendMessageInput, SentMessage> = async ({ tx, ids }, { actorId, channelId, msgType, content }) => {
  const channel = await lockChannel(tx, channelId);
  if (!channel.ok) return channel;
  const { channelType, dissolvedAt } = channel.value;

  if (dissolvedAt === null) {
    const peerIsFriend =
      channelType === ChannelType.direct
        ? sql`and exists (select 1 from channel_members p join friendships f on f.user_id = ${actorId} and f.friend_id = p.user_id
                           where p.channel_id = ${channelId} and p.user_id <> ${actorId})`
        : sql``;
    const { rows } = await tx.execute<{ id: string; seq: string; created_at: string }>(sql`
      insert into messages (id, channel_id, seq, sender_id, msg_type, content)
      select ${ids.next()}::bigint, ${channelId}::bigint, coalesce((select max(seq) from messages where channel_id = ${channelId}), 0) + 1,
             ${actorId}::bigint, ${msgType}::smallint, ${content}::text
       where exists (select 1 from channel_members where channel_id = ${channelId} and user_id = ${actorId} and left_at is null)
             ${peerIsFriend}
      returning id, seq, created_at`);
    const [row] = rows;
    // drizzle's pg type parsers hand timestamps back as text.
    if (row) return accepted({ messageId: BigInt(row.id), channelId, seq: BigInt(row.seq), createdAt: new Date(row.created_at) });
  }

  // Refused: say why, members first so outsiders learn nothing about the channel's state.
  const member = await requireActiveMember(tx, channelId, actorId);
  if (!member.ok) return member;
  if (dissolvedAt !== null) return rejected('channel_dissolved', `group ${channelId} is dissolved`);
  return rejected('not_friends', 'you are no longer friends with the other member of this channel');
};

/** The sender recalls, once, while still a member of a live channel. The row stays; content is kept. */
export const recallMessage: Command<
  { actorId: bigint; channelId: bigint; messageId: bigint },
  { readonly messageId: bigint; readonly recalledAt: Date }
> = async ({ tx }, { actorId, channelId, messageId }) => {
  const channel = await lockChannel(tx, channelId);
  if (!channel.ok) return channel;
  const member = await requireActiveMember(tx, channelId, actorId);
  if (!member.ok) return member;
  const [message] = await tx
    .select({ senderId: messages.senderId })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.channelId, channelId)));
  if (!message) return rejected('message_not_found', `message ${messageId} is not in channel ${channelId}`);
  if (message.senderId !== actorId) return rejected('not_message_sender', 'only the sender may recall a message');
  if (channel.value.dissolvedAt !== null) return rejected('channel_dissolved', `group ${channelId} is dissolved`);

  const [recalled] = await tx
    .update(messages)
    .set({ recalledAt: sql`now()` })
    .where(and(eq(messages.id, messageId), isNull(messages.recalledAt)))
    .returning({ messageId: messages.id, recalledAt: messages.recalledAt });
  if (!recalled) return rejected('already_recalled', `message ${messageId} was already recalled`);
  return accepted({ messageId, recalledAt: recalled.recalledAt! });
};
