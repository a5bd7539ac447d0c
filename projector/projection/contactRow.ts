import type { ContactRow } from '../views/userContactView';
import type { FriendshipRef, UserRef } from './refRows';

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

export type { ContactRow };
