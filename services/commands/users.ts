import { and, eq, ne, or, sql } from 'drizzle-orm';
import { users } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';

export interface UserProfile {
  readonly id: bigint;
  readonly nickname: string;
  readonly avatar: string;
  readonly profileVer: number;
}

const profileColumns = { id: users.id, nickname: users.nickname, avatar: users.avatar, profileVer: users.profileVer };

export const createUser: Command<{ nickname: string; avatar: string }, UserProfile> = async ({ tx, ids }, input) => {
  const [user] = await tx
    .insert(users)
    .values({ id: ids.next(), ...input })
    .returning(profileColumns);
  return accepted(user!);
};

export interface ChangeProfileInput {
  readonly actorId: bigint;
  readonly userId: bigint;
  readonly nickname?: string;
  readonly avatar?: string;
}

/**
 * profile_ver moves in the same statement as the fields, and only when a value really changes:
 * repeating a change is harmless and sends nothing down the pipeline.
 */
export const changeProfile: Command<ChangeProfileInput, UserProfile> = async ({ tx }, { actorId, userId, nickname, avatar }) => {
  if (userId !== actorId) return rejected('not_your_account', `you may only change your own profile, not user ${userId}`);
  const changed = or(
    nickname === undefined ? undefined : ne(users.nickname, nickname),
    avatar === undefined ? undefined : ne(users.avatar, avatar),
  );
  const [updated] = await tx
    .update(users)
    .set({
      ...(nickname === undefined ? {} : { nickname }),
      ...(avatar === undefined ? {} : { avatar }),
      profileVer: sql`${users.profileVer} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(users.id, userId), changed ?? sql`false`))
    .returning(profileColumns);
  if (updated !== undefined) return accepted(updated);

  const [current] = await tx.select(profileColumns).from(users).where(eq(users.id, userId));
  return current === undefined ? rejected('user_not_found', `user ${userId} (the token's subject) does not exist`) : accepted(current);
};
