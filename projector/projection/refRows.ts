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
export function friendshipIsNewer(incoming: FriendshipRef, current: FriendshipRef | undefined): boolean {
  return current === undefined || incoming.lsn > current.lsn;
}

/** A message replaces the channel's last message if it is later, or is the same one now recalled. */
export function lastMessageIsNewer(incoming: LastMessageRef, current: LastMessageRef | undefined): boolean {
  if (current === undefined) return true;
  if (incoming.seq !== current.seq) return incoming.seq > current.seq;
  return incoming.recalled && !current.recalled;
}
