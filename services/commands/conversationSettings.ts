import { and, eq, ne, or, sql } from 'drizzle-orm';
import { channelMembers, channels } from '../db/writeSchema';
import type { Command } from './commandContext';
import { accepted, rejected } from './commandResult';

export interface ConversationSettings {
  readonly pinned: boolean;
  readonly muted: boolean;
  readonly hidden: boolean;
  readonly memberVer: number;
}

export interface ChangeSettingsInput {
  readonly actorId: bigint;
  readonly channelId: bigint;
  readonly pinned?: boolean;
  readonly muted?: boolean;
  readonly hidden?: boolean;
}

const settingColumns = {
  pinned: channelMembers.isPinned,
  muted: channelMembers.isMuted,
  hidden: channelMembers.isHidden,
  memberVer: channelMembers.memberVer,
};

/**
 * Pin, mute or hide: only the caller's own channel_members row, one member_ver step per real
 * change. It works on any row the caller has, also after leaving or dissolution, so a closed
 * conversation can still be hidden.
 */
export const changeConversationSettings: Command<ChangeSettingsInput, ConversationSettings> = async ({ tx }, input) => {
  const { actorId, channelId, pinned, muted, hidden } = input;
  const row = and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, actorId));
  const changed = or(
    pinned === undefined ? undefined : ne(channelMembers.isPinned, pinned),
    muted === undefined ? undefined : ne(channelMembers.isMuted, muted),
    hidden === undefined ? undefined : ne(channelMembers.isHidden, hidden),
  );
  const [updated] = await tx
    .update(channelMembers)
    .set({
      ...(pinned === undefined ? {} : { isPinned: pinned }),
      ...(muted === undefined ? {} : { isMuted: muted }),
      ...(hidden === undefined ? {} : { isHidden: hidden }),
      memberVer: sql`${channelMembers.memberVer} + 1`,
    })
    .where(and(row, changed ?? sql`false`))
    .returning(settingColumns);
  if (updated) return accepted(updated);

  const [current] = await tx.select(settingColumns).from(channelMembers).where(row);
  if (current) return accepted(current);
  const [channel] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, channelId));
  return channel
    ? rejected('not_a_member', `you are not a member of channel ${channelId}`)
    : rejected('channel_not_found', `channel ${channelId} does not exist`);
};
