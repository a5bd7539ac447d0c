import { and, eq, ne, or, sql } from 'drizzle-orm';
import { channelMembers, channelReadRecords, channels } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';
import { isAdminOrOwner, lockChannel, lockOpenGroup, membershipOf, requireActiveMember } from './channelAccess';
import { findMissingUser } from './userLookup';
import { ChannelType, MemberRole } from './writeModel';

export interface GroupInfo {
  readonly channelId: bigint;
  readonly name: string;
  readonly avatar: string;
  readonly channelInfoVer: number;
  readonly dissolvedAt: Date | null;
}

const infoColumns = {
  channelId: channels.id,
  name: channels.channelName,
  avatar: channels.channelAvatar,
  channelInfoVer: channels.channelInfoVer,
  dissolvedAt: channels.dissolvedAt,
};

export interface CreateGroupInput {
  readonly actorId: bigint;
  readonly name: string;
  readonly avatar: string;
  /** Other initial members; the creator is always a member (as owner) and is ignored here. */
  readonly memberIds: readonly bigint[];
}

export const createGroup: Command<CreateGroupInput, GroupInfo & { readonly memberCount: number }> = async ({ tx, ids }, input) => {
  const others = [...new Set(input.memberIds)].filter((id) => id !== input.actorId);
  const missing = await findMissingUser(tx, [input.actorId, ...others], input.actorId);
  if (missing) return missing;

  const channelId = ids.next();
  const [group] = await tx
    .insert(channels)
    .values({
      id: channelId,
      channelType: ChannelType.group,
      channelName: input.name,
      channelAvatar: input.avatar,
      ownerUserId: input.actorId,
    })
    .returning(infoColumns);
  const everyone = [input.actorId, ...others];
  await tx
    .insert(channelMembers)
    .values(everyone.map((userId) => ({ channelId, userId, role: userId === input.actorId ? MemberRole.owner : MemberRole.member })));
  await tx.insert(channelReadRecords).values(everyone.map((userId) => ({ channelId, userId, lastReadSeq: 0n })));
  return accepted({ ...group!, memberCount: everyone.length });
};

export interface ChangeGroupInfoInput {
  readonly actorId: bigint;
  readonly channelId: bigint;
  readonly name?: string;
  readonly avatar?: string;
}

/** Owner or admin only; channel_info_ver moves with the fields, and only on a real change. */
export const changeGroupInfo: Command<ChangeGroupInfoInput, GroupInfo> = async ({ tx }, { actorId, channelId, name, avatar }) => {
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  const member = await requireActiveMember(tx, channelId, actorId);
  if (!member.ok) return member;
  if (!isAdminOrOwner(member.value)) return rejected('not_group_admin', `only the owner or an admin may change group ${channelId}`);

  const changed = or(
    name === undefined ? undefined : ne(channels.channelName, name),
    avatar === undefined ? undefined : ne(channels.channelAvatar, avatar),
  );
  const [updated] = await tx
    .update(channels)
    .set({
      ...(name === undefined ? {} : { channelName: name }),
      ...(avatar === undefined ? {} : { channelAvatar: avatar }),
      channelInfoVer: sql`${channels.channelInfoVer} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(channels.id, channelId), changed ?? sql`false`))
    .returning(infoColumns);
  if (updated) return accepted(updated);
  const [current] = await tx.select(infoColumns).from(channels).where(eq(channels.id, channelId));
  return accepted(current!);
};

/** Owner only, once. Members keep their rows; their conversations close with dissolved_at. */
export const dissolveGroup: Command<{ actorId: bigint; channelId: bigint }, GroupInfo> = async ({ tx }, { actorId, channelId }) => {
  const channel = await lockChannel(tx, channelId);
  if (!channel.ok) return channel;
  if (channel.value.channelType !== ChannelType.group) return rejected('not_a_group', `channel ${channelId} is a direct channel`);
  if (channel.value.ownerUserId !== actorId) {
    const membership = await membershipOf(tx, channelId, actorId);
    return membership?.active === true
      ? rejected('not_group_owner', `only the owner may dissolve group ${channelId}`)
      : rejected('not_a_member', `you are not a member of channel ${channelId}`);
  }
  if (channel.value.dissolvedAt !== null) return rejected('channel_dissolved', `group ${channelId} is already dissolved`);

  const [dissolved] = await tx
    .update(channels)
    .set({ dissolvedAt: sql`now()`, channelInfoVer: sql`${channels.channelInfoVer} + 1`, updatedAt: sql`now()` })
    .where(eq(channels.id, channelId))
    .returning(infoColumns);
  return accepted(dissolved!);
};

export type AssignableRole = typeof MemberRole.admin | typeof MemberRole.member;

/** Owner only: makes an active member an admin or a plain member again. */
export const setMemberRole: Command<
  { actorId: bigint; channelId: bigint; userId: bigint; role: AssignableRole },
  { readonly userId: bigint; readonly role: number; readonly memberVer: number }
> = async ({ tx }, { actorId, channelId, userId, role }) => {
  const group = await lockOpenGroup(tx, channelId);
  if (!group.ok) return group;
  const actor = await requireActiveMember(tx, channelId, actorId);
  if (!actor.ok) return actor;
  if (actor.value.role !== MemberRole.owner) return rejected('not_group_owner', `only the owner may change roles in group ${channelId}`);
  if (userId === actorId) return rejected('cannot_target_self', 'the owner keeps the owner role');
  const target = await membershipOf(tx, channelId, userId);
  if (target?.active !== true) return rejected('member_not_found', `user ${userId} is not a member of group ${channelId}`);

  const row = and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId));
  const returned = { userId: channelMembers.userId, role: channelMembers.role, memberVer: channelMembers.memberVer };
  const [updated] = await tx
    .update(channelMembers)
    .set({ role, memberVer: sql`${channelMembers.memberVer} + 1` })
    .where(and(row, ne(channelMembers.role, role)))
    .returning(returned);
  if (updated) return accepted(updated);
  const [current] = await tx.select(returned).from(channelMembers).where(row);
  return accepted(current!);
};
