import { and, eq, ne, or, sql } from 'drizzle-orm';
import { friendships } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';
import { lockUserPair } from './userPairLock';

export interface Remark {
  readonly friendId: bigint;
  readonly remarkName: string;
  readonly friendVer: number;
}

const remarkColumns = { friendId: friendships.friendId, remarkName: friendships.remarkName, friendVer: friendships.friendVer };

/** Sets the caller's own name for a friend; '' clears it. Only the caller's directed row changes. */
export const setRemark: Command<{ actorId: bigint; friendId: bigint; remarkName: string }, Remark> = async (
  { tx },
  { actorId, friendId, remarkName },
) => {
  const row = and(eq(friendships.userId, actorId), eq(friendships.friendId, friendId));
  const [updated] = await tx
    .update(friendships)
    .set({ remarkName, friendVer: sql`${friendships.friendVer} + 1`, updatedAt: sql`now()` })
    .where(and(row, ne(friendships.remarkName, remarkName)))
    .returning(remarkColumns);
  if (updated) return accepted(updated);
  const [unchanged] = await tx.select(remarkColumns).from(friendships).where(row);
  return unchanged ? accepted(unchanged) : rejected('friendship_not_found', `user ${friendId} is not your friend`);
};

/** A real DELETE of both directed rows; the direct channel, if any, stays. */
export const unfriend: Command<{ actorId: bigint; friendId: bigint }, { readonly friendId: bigint }> = async (
  { tx },
  { actorId, friendId },
) => {
  await lockUserPair(tx, actorId, friendId);
  const deleted = await tx
    .delete(friendships)
    .where(
      or(
        and(eq(friendships.userId, actorId), eq(friendships.friendId, friendId)),
        and(eq(friendships.userId, friendId), eq(friendships.friendId, actorId)),
      ),
    )
    .returning({ userId: friendships.userId });
  return deleted.length > 0 ? accepted({ friendId }) : rejected('friendship_not_found', `user ${friendId} is not your friend`);
};
