import { and, eq, sql } from 'drizzle-orm';
import { channelMembers, channels, messages } from '../db/writeSchema';
import type { WriteTransaction } from '../db/writeTransaction';
import { accepted, rejected, type CommandResult } from './commandResult';
import { ChannelType, MemberRole } from './writeModel';

export interface LockedChannel {
  readonly id: bigint;
  readonly channelType: number;
  readonly ownerUserId: bigint | null;
  readonly dissolvedAt: Date | null;
}

export interface Membership {
  readonly role: number;
  readonly active: boolean;
}

/**
 * Locks the channel row until the transaction ends. Every command that changes who is in a
 * channel or what state it is in, and every send or recall, takes this lock first, so their
 * membership checks, seq allocation, joins, leaves and dissolution happen in one order per channel. NO KEY UPDATE still lets
 * other transactions insert rows that reference the channel (foreign keys take KEY SHARE).
 */
export async function lockChannel(tx: WriteTransaction, channelId: bigint): Promise<CommandResult<LockedChannel>> {
  const [channel] = await tx
    .select({ id: channels.id, channelType: channels.channelType, ownerUserId: channels.ownerUserId, dissolvedAt: channels.dissolvedAt })
    .from(channels)
    .where(eq(channels.id, channelId))
    .for('no key update');
  return channel === undefined ? rejected('channel_not_found', `channel ${channelId} does not exist`) : accepted(channel);
}

/** Locks a group that still accepts changes: direct channels and dissolved groups are refused. */
export async function lockOpenGroup(tx: WriteTransaction, channelId: bigint): Promise<CommandResult<LockedChannel>> {
  const locked = await lockChannel(tx, channelId);
  if (!locked.ok) return locked;
  if (locked.value.channelType !== ChannelType.group) {
    return rejected('not_a_group', `channel ${channelId} is a direct channel; only groups allow this`);
  }
  if (locked.value.dissolvedAt !== null) return rejected('channel_dissolved', `group ${channelId} is dissolved`);
  return locked;
}

export async function membershipOf(tx: WriteTransaction, channelId: bigint, userId: bigint): Promise<Membership | undefined> {
  const [row] = await tx
    .select({ role: channelMembers.role, leftAt: channelMembers.leftAt })
    .from(channelMembers)
    .where(and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId)));
  return row === undefined ? undefined : { role: row.role, active: row.leftAt === null };
}

/** The caller's membership, refused unless it is active (a member who left is not a member). */
export async function requireActiveMember(tx: WriteTransaction, channelId: bigint, actorId: bigint): Promise<CommandResult<Membership>> {
  const membership = await membershipOf(tx, channelId, actorId);
  return membership?.active === true ? accepted(membership) : rejected('not_a_member', `you are not a member of channel ${channelId}`);
}

export const isAdminOrOwner = (m: Membership) => m.role === MemberRole.admin || m.role === MemberRole.owner;

/** The channel's highest message seq, 0 when it has none (served by the (channel_id, seq) index). */
export async function lastSeqOf(tx: WriteTransaction, channelId: bigint): Promise<bigint> {
  const [row] = await tx
    .select({ lastSeq: sql<bigint>`coalesce(max(${messages.seq}), 0)`.mapWith(BigInt) })
    .from(messages)
    .where(eq(messages.channelId, channelId));
  return row?.lastSeq ?? 0n;
}
