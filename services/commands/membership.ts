import { and, eq, sql } from 'drizzle-orm';
import { channelMembers, channelReadRecords } from '../db/writeSchema';
import type { WriteTransaction } from '../db/writeTransaction';
import type { Command } from './commandContext';
import { accepted, rejected, type CommandResult } from './commandResult';
import { isAdminOrOwner, lastSeqOf, lockOpenGroup, membershipOf, requireActiveMember } from './channelAccess';
import { findMissingUser } from './userLookup';
import { MemberRole } from './writeModel';

export interface Admission {
  readonly channelId: bigint;
  readonly userId: bigint;
  /** The read pointer after joining: the channel's highest seq, so history starts read. */
  readonly lastReadSeq: bigint;
}

/**
 * Makes `userId` an active member of a group whose row the caller has locked: a new row, or the
 * old row of a member who left (left_at cleared, role reset, member_ver + 1). The read pointer
 * moves to the channel's highest seq and never back.
 */
async function admit(tx: WriteTransaction, channelId: bigint, userId: bigint, actorId: bigint): Promise<CommandResult<Admission>> {
  const membership = await membershipOf(tx, channelId, userId);
  if (membership?.active === true) {
    return rejected(
      'already_member',
      userId === actorId ? `you are already in group ${channelId}` : `user ${userId} is already in group ${channelId}`,
    );
  }
  if (membership === undefined) {
    const missing = await findMissingUser(tx, [userId], actorId);
    if (missing) return missing;
    await tx.insert(channelMembers).values({ channelId, userId, role: MemberRole.member });
  } else {
    await tx
      .update(channelMembers)
      .set({ leftAt: null, role: MemberRole.member, joinedAt: sql`now()`, memberVer: sql`${channelMembers.memberVer} + 1` })
      .where(and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId)));
  }

  const lastSeq = await lastSeqOf(tx, channelId);
  const [record] = await tx
    .insert(channelReadRecords)
    .values({ userId, channelId, lastReadSeq: lastSeq })
    .onConflictDoUpdate({
      target: [channelReadRecords.userId, channelReadRecords.channelId],
      set: { lastReadSeq: sql`greatest(${channelReadRecords.lastReadSeq}, excluded.last_read_seq)`, updatedAt: sql`now()` },
    })
    .returning({ lastReadSeq: channelReadRecords.lastReadSeq });
  return accepted({ channelId, userId, lastReadSeq: record!.lastReadSeq });
}

/** Groups are open: anyone may join a group that is not dissolved. */
export const joinGroup: Command<{ actorId: bigint; channelId: bigint }, Admission> = async ({ tx }, { actorId, channelId }) => {
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  return admit(tx, channelId, actorId, actorId);
};

/** Any active member may bring someone in. */
export const addMember: Command<{ actorId: bigint; channelId: bigint; userId: bigint }, Admission> = async (
  { tx },
  { actorId, channelId, userId },
) => {
  if (userId === actorId) return rejected('cannot_target_self', 'to enter a group yourself, join it');
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  const actor = await requireActiveMember(tx, channelId, actorId);
  if (!actor.ok) return actor;
  return admit(tx, channelId, userId, actorId);
};

const markLeft = (tx: WriteTransaction, channelId: bigint, userId: bigint) =>
  tx
    .update(channelMembers)
    .set({ leftAt: sql`now()`, memberVer: sql`${channelMembers.memberVer} + 1` })
    .where(and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId)));

/** The owner may remove admins and members; an admin only plain members. The row stays, with left_at. */
export const removeMember: Command<{ actorId: bigint; channelId: bigint; userId: bigint }, { readonly userId: bigint }> = async (
  { tx },
  { actorId, channelId, userId },
) => {
  if (userId === actorId) return rejected('cannot_remove_self', 'to leave a group, use leave');
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  const actor = await requireActiveMember(tx, channelId, actorId);
  if (!actor.ok) return actor;
  if (!isAdminOrOwner(actor.value))
    return rejected('not_group_admin', `only the owner or an admin may remove members of group ${channelId}`);
  const target = await membershipOf(tx, channelId, userId);
  if (target?.active !== true) return rejected('member_not_found', `user ${userId} is not a member of group ${channelId}`);
  if (target.role === MemberRole.owner) return rejected('cannot_remove_owner', 'the owner cannot be removed');
  if (target.role === MemberRole.admin && actor.value.role !== MemberRole.owner) {
    return rejected('not_group_owner', 'only the owner may remove an admin');
  }
  await markLeft(tx, channelId, userId);
  return accepted({ userId });
};

/** Groups only (a direct channel is hidden, not left). The owner cannot leave: dissolving is how a group ends. */
export const leaveGroup: Command<{ actorId: bigint; channelId: bigint }, { readonly channelId: bigint }> = async (
  { tx },
  { actorId, channelId },
) => {
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  const actor = await requireActiveMember(tx, channelId, actorId);
  if (!actor.ok) return actor;
  if (actor.value.role === MemberRole.owner) return rejected('owner_cannot_leave', 'the owner cannot leave; dissolve the group instead');
  await markLeft(tx, channelId, actorId);
  return accepted({ channelId });
};
