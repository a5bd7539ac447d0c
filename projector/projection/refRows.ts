import type { SourceText } from '../decode/changeEvent';

/**
 * Reference copies of source rows, as the projector keeps them in im_read. Each carries the
 * version it came from; `isNewer` is the one rule deciding whether a row replaces another.
 */

export interface Versioned {
  /** The contract's version column (profile_ver, channel_info_ver, member_ver, friend_ver, last_read_seq). */
  readonly ver: bigint;
  /** The source LSN: orders changes of one row with equal versions, and deletes. */
  readonly lsn: bigint;
}

export interface UserRef extends Versioned {
  readonly id: bigint;
  readonly nickname: string;
  readonly avatar: string;
}

export interface ChannelRef extends Versioned {
  readonly id: bigint;
  readonly channelType: 1 | 2;
  readonly channelName: string;
  readonly channelAvatar: string;
  readonly dissolvedAt: string | null;
}

export interface MemberRef extends Versioned {
  readonly channelId: bigint;
  readonly userId: bigint;
  readonly role: number;
  readonly leftAt: string | null;
  readonly isPinned: boolean;
  readonly isMuted: boolean;
  readonly isHidden: boolean;
}

/** Messages only grow (seq) and a recall is final, so they need no version column. */
export interface MessageRef {
  readonly channelId: bigint;
  readonly seq: bigint;
  readonly senderId: bigint;
  readonly recalled: boolean;
}

export interface LastMessageRef {
  readonly channelId: bigint;
  readonly id: bigint;
  readonly seq: bigint;
  readonly senderId: bigint;
  readonly msgType: number;
  readonly content: string;
  readonly createdAt: string;
  readonly recalled: boolean;
}

export interface ReadRecordRef extends Versioned {
  readonly userId: bigint;
  readonly channelId: bigint;
}

/** A deleted friendship stays as `existsNow: false` with the delete's LSN. */
export interface FriendshipRef extends Versioned {
  readonly userId: bigint;
  readonly friendId: bigint;
  readonly remarkName: string;
  readonly createdAt: string | null;
  readonly existsNow: boolean;
}

/**
 * A reference row as change events offer it: a text column may be unavailable (see
 * UnavailableText). projection/unavailableText.ts fills it from an earlier row or refuses it;
 * only complete rows are stored.
 */
export type UserCandidate = Omit<UserRef, 'nickname' | 'avatar'> &
  UnavailableSince & { readonly nickname: SourceText; readonly avatar: SourceText };
export type ChannelCandidate = Omit<ChannelRef, 'channelName' | 'channelAvatar'> &
  UnavailableSince & { readonly channelName: SourceText; readonly channelAvatar: SourceText };
export type LastMessageCandidate = Omit<LastMessageRef, 'content'> & { readonly content: SourceText };
export type FriendshipCandidate = Omit<FriendshipRef, 'remarkName'> & UnavailableSince & { readonly remarkName: SourceText };

export interface UnavailableSince {
  /**
   * Set when the candidate's unavailable texts were also unavailable in an older event of its batch
   * that could lend to it: that event's version, from which they are unchanged. A stored row that
   * may lend to that version may lend to the candidate. Absent, the candidate's own version.
   */
  readonly unavailableSince?: bigint;
}

/**
 * Whether `incoming` replaces `current`. Versions first; the LSN breaks ties, since the LSNs of
 * one row's changes grow in commit order. A delete (of a friendship) has no version of its own:
 * it is compared by LSN alone (see friendshipIsNewer).
 */
export function isNewer(incoming: Versioned, current: Versioned | undefined): boolean {
  if (current === undefined) return true;
  if (incoming.ver !== current.ver) return incoming.ver > current.ver;
  return incoming.lsn > current.lsn;
}

/**
 * Friendships are deleted and may be created again with friend_ver back at 1 (even with the same
 * created_at), so versions do not order their incarnations. The LSN does: one row's changes
 * reach the WAL in commit order. friend_ver is still kept, for the view's version column.
 */
export function friendshipIsNewer(incoming: Versioned, current: Versioned | undefined): boolean {
  return current === undefined || incoming.lsn > current.lsn;
}

type MessagePlace = Pick<LastMessageRef, 'seq' | 'recalled'>;

/** A message replaces the channel's last message if it is later, or is the same one now recalled. */
export function lastMessageIsNewer(incoming: MessagePlace, current: MessagePlace | undefined): boolean {
  if (current === undefined) return true;
  if (incoming.seq !== current.seq) return incoming.seq > current.seq;
  return incoming.recalled && !current.recalled;
}
