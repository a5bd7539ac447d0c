import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { channelMembers, channelReadRecords, channels, friendships } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';
import { findMissingUser } from './userLookup';
import { lockUserPair } from './userPairLock';
import { ChannelType } from './writeModel';

export interface DirectChannel {
  readonly channelId: bigint;
  readonly created: boolean;
}

const mine = alias(channelMembers, 'mine');
const theirs = alias(channelMembers, 'theirs');

/**
 * Returns the pair's direct channel, creating it on first use: one per pair, even under
 * concurrent opens, because the lookup and the insert run under the pair lock. Creating needs a
 * friendship; an existing channel is returned even after an unfriend (sending is what is refused).
 */
export const openDirectChannel: Command<{ actorId: bigint; peerUserId: bigint }, DirectChannel> = async (
  { tx, ids },
  { actorId, peerUserId },
) => {
  if (peerUserId === actorId) return rejected('cannot_target_self', 'a direct channel needs two different users');
  await lockUserPair(tx, actorId, peerUserId);

  const [existing] = await tx
    .select({ id: channels.id })
    .from(channels)
    .innerJoin(mine, and(eq(mine.channelId, channels.id), eq(mine.userId, actorId)))
    .innerJoin(theirs, and(eq(theirs.channelId, channels.id), eq(theirs.userId, peerUserId)))
    .where(eq(channels.channelType, ChannelType.direct))
    .orderBy(channels.id)
    .limit(1);
  if (existing) return accepted({ channelId: existing.id, created: false });

  const [friendship] = await tx
    .select({ since: friendships.createdAt })
    .from(friendships)
    .where(and(eq(friendships.userId, actorId), eq(friendships.friendId, peerUserId)));
  if (!friendship) {
    const missing = await findMissingUser(tx, [actorId, peerUserId], actorId);
    return missing ?? rejected('not_friends', `user ${peerUserId} is not your friend`);
  }

  // Exactly two members, created with the channel; both read pointers start at the empty channel's 0.
  const channelId = ids.next();
  await tx.insert(channels).values({ id: channelId, channelType: ChannelType.direct });
  await tx.insert(channelMembers).values([
    { channelId, userId: actorId },
    { channelId, userId: peerUserId },
  ]);
  await tx.insert(channelReadRecords).values([
    { channelId, userId: actorId, lastReadSeq: 0n },
    { channelId, userId: peerUserId, lastReadSeq: 0n },
  ]);
  return accepted({ channelId, created: true });
};
