import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, MessageRef, UserRef } from '../projection/refRows';

/**
 * Rows of the ref_ tables as node-postgres returns them (the projector's pools parse int8 as
 * bigint and leave timestamptz as text), turned into the projection's types.
 */
type Row = Record<string, unknown>;

const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as string | number));
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : big(v));
const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export const userRef = (r: Row): UserRef => ({
  id: big(r.id),
  nickname: str(r.nickname),
  avatar: str(r.avatar),
  ver: big(r.profile_ver),
  lsn: big(r.lsn),
});

export const channelRef = (r: Row): ChannelRef => ({
  id: big(r.id),
  channelType: Number(r.channel_type) === 1 ? 1 : 2,
  channelName: str(r.channel_name),
  channelAvatar: str(r.channel_avatar),
  dissolvedAt: strOrNull(r.dissolved_at),
  ver: big(r.channel_info_ver),
  lsn: big(r.lsn),
});

export const memberRef = (r: Row): MemberRef => ({
  channelId: big(r.channel_id),
  userId: big(r.user_id),
  role: Number(r.role),
  leftAt: strOrNull(r.left_at),
  isPinned: r.is_pinned === true,
  isMuted: r.is_muted === true,
  isHidden: r.is_hidden === true,
  ver: big(r.member_ver),
  lsn: big(r.lsn),
});

export const lastMessageRef = (r: Row): LastMessageRef => ({
  channelId: big(r.channel_id),
  id: big(r.id),
  seq: big(r.seq),
  senderId: big(r.sender_id),
  msgType: Number(r.msg_type),
  content: str(r.content),
  createdAt: str(r.created_at),
  recalled: r.recalled === true,
});

export const messageRef = (r: Row): MessageRef => ({
  channelId: big(r.channel_id),
  seq: big(r.seq),
  senderId: big(r.sender_id),
  recalled: r.recalled === true,
});

export const friendshipRef = (r: Row): FriendshipRef => ({
  userId: big(r.user_id),
  friendId: big(r.friend_id),
  remarkName: str(r.remark_name),
  createdAt: strOrNull(r.created_at),
  existsNow: r.exists_now === true,
  ver: big(r.friend_ver),
  lsn: big(r.lsn),
});

export { big, bigOrNull };
