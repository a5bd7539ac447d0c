import type { FriendshipRef, UserRef } from './refRows';

/** A user_contact_view row. */
export interface ContactRow {
  readonly userId: bigint;
  readonly contactUserId: bigint;
  readonly remarkName: string;
  readonly nickname: string;
  readonly avatar: string;
  readonly displayName: string;
  readonly directChannelId: bigint | null;
  readonly friendsSince: string;
  readonly friendVer: bigint;
  readonly contactProfileVer: bigint;
}

/**
 * The contract's contact row for a friendship, or null when the friendship does not exist now
 * (never arrived, or deleted): then the row and its reverse index entry must not exist.
 */
export function contactRow(
  friendship: FriendshipRef | undefined,
  contact: UserRef | undefined,
  directChannelId: bigint | null,
): ContactRow | null {
  if (friendship === undefined || !friendship.existsNow || friendship.createdAt === null) return null;
  const nickname = contact?.nickname ?? '';
  return {
    userId: friendship.userId,
    contactUserId: friendship.friendId,
    remarkName: friendship.remarkName,
    nickname,
    avatar: contact?.avatar ?? '',
    displayName: friendship.remarkName !== '' ? friendship.remarkName : nickname,
    directChannelId,
    friendsSince: friendship.createdAt,
    friendVer: friendship.ver,
    contactProfileVer: contact?.ver ?? 0n,
  };
}
