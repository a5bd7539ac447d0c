import { and, eq, or, sql } from 'drizzle-orm';
import { channelApplications, friendships } from '../db/writeSchema';
import type { WriteTransaction } from '../db/writeTransaction';
import type { Command } from './commandContext';
import { accepted, rejected, type CommandResult } from './commandResult';
import { lockUserPair } from './userPairLock';
import { findMissingUser } from './userLookup';
import { ApplicationStatus, ApplicationTarget } from './writeModel';

export interface ApplicationOutcome {
  readonly applicationId: bigint;
  readonly applicantId: bigint;
  readonly targetUserId: bigint;
  readonly status: ApplicationStatus;
}

const pendingBetween = (a: bigint, b: bigint) =>
  and(
    eq(channelApplications.targetType, ApplicationTarget.friend),
    eq(channelApplications.status, ApplicationStatus.pending),
    or(
      and(eq(channelApplications.applicantId, a), eq(channelApplications.targetId, b)),
      and(eq(channelApplications.applicantId, b), eq(channelApplications.targetId, a)),
    ),
  );

/** At most one pending friend application per pair, in either direction, and none between friends. */
export const applyForFriendship: Command<{ actorId: bigint; targetUserId: bigint; message: string }, ApplicationOutcome> = async (
  { tx, ids },
  { actorId, targetUserId, message },
) => {
  if (targetUserId === actorId) return rejected('cannot_target_self', 'you cannot befriend yourself');
  await lockUserPair(tx, actorId, targetUserId);
  const missing = await findMissingUser(tx, [actorId, targetUserId], actorId);
  if (missing) return missing;

  const [friendship] = await tx
    .select({ since: friendships.createdAt })
    .from(friendships)
    .where(and(eq(friendships.userId, actorId), eq(friendships.friendId, targetUserId)));
  if (friendship) return rejected('already_friends', `you and user ${targetUserId} are already friends`);
  const [pending] = await tx.select({ id: channelApplications.id }).from(channelApplications).where(pendingBetween(actorId, targetUserId));
  if (pending) return rejected('application_pending', `application ${pending.id} between you and user ${targetUserId} is pending`);

  const applicationId = ids.next();
  await tx.insert(channelApplications).values({
    id: applicationId,
    applicantId: actorId,
    targetType: ApplicationTarget.friend,
    targetId: targetUserId,
    message,
    status: ApplicationStatus.pending,
  });
  return accepted({ applicationId, applicantId: actorId, targetUserId, status: ApplicationStatus.pending });
};

/**
 * Only the applicant's target decides, once. The pair lock is taken before the application row
 * is read for the decision, the same order applyForFriendship uses, so no two decisions interleave.
 */
async function decide(
  tx: WriteTransaction,
  actorId: bigint,
  applicationId: bigint,
  status: typeof ApplicationStatus.accepted | typeof ApplicationStatus.rejected,
): Promise<CommandResult<ApplicationOutcome>> {
  const application = async () => {
    const [row] = await tx
      .select({ applicantId: channelApplications.applicantId, targetId: channelApplications.targetId, status: channelApplications.status })
      .from(channelApplications)
      .where(and(eq(channelApplications.id, applicationId), eq(channelApplications.targetType, ApplicationTarget.friend)));
    return row;
  };
  const first = await application();
  if (first === undefined) return rejected('application_not_found', `friend application ${applicationId} does not exist`);
  if (first.targetId !== actorId) return rejected('not_application_target', `application ${applicationId} is not addressed to you`);

  await lockUserPair(tx, first.applicantId, first.targetId);
  const current = await application();
  if (current?.status !== ApplicationStatus.pending) {
    return rejected('application_handled', `application ${applicationId} has already been handled`);
  }
  await tx
    .update(channelApplications)
    .set({ status, handledAt: sql`now()` })
    .where(eq(channelApplications.id, applicationId));
  if (status === ApplicationStatus.accepted) {
    // Friendship is two directed rows, written together.
    await tx
      .insert(friendships)
      .values([
        { userId: current.applicantId, friendId: current.targetId },
        { userId: current.targetId, friendId: current.applicantId },
      ])
      .onConflictDoNothing();
  }
  return accepted({ applicationId, applicantId: current.applicantId, targetUserId: current.targetId, status });
}

export const acceptFriendApplication: Command<{ actorId: bigint; applicationId: bigint }, ApplicationOutcome> = ({ tx }, input) =>
  decide(tx, input.actorId, input.applicationId, ApplicationStatus.accepted);

export const rejectFriendApplication: Command<{ actorId: bigint; applicationId: bigint }, ApplicationOutcome> = ({ tx }, input) =>
  decide(tx, input.actorId, input.applicationId, ApplicationStatus.rejected);
