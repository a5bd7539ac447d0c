import type { ConversationInputs } from './conversationRow';
import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, UserRef } from './refRows';

/**
 * Test fixtures shared by the conversation row and view target unit tests.
 * Ann (1) and bob (2) share direct channel 10; ann is in group 20. Ann's rows are built.
 */
export const ann = 1n;
export const bob = 2n;
export const carl = 3n;
export const member = (channelId: bigint, userId: bigint, change: Partial<MemberRef> = {}): MemberRef => ({
  channelId,
  userId,
  role: 0,
  leftAt: null,
  isPinned: false,
  isMuted: false,
  isHidden: false,
  ver: 1n,
  lsn: 1n,
  ...change,
});
export const directChannel: ChannelRef = {
  id: 10n,
  channelType: 1,
  channelName: '',
  channelAvatar: '',
  dissolvedAt: null,
  ver: 1n,
  lsn: 1n,
};
export const group: ChannelRef = {
  id: 20n,
  channelType: 2,
  channelName: 'climbers',
  channelAvatar: 'climbers.png',
  dissolvedAt: null,
  ver: 4n,
  lsn: 4n,
};
export const bobUser: UserRef = { id: bob, nickname: 'bob', avatar: 'bob.png', ver: 2n, lsn: 2n };
export const carlUser: UserRef = { id: carl, nickname: 'carl', avatar: 'carl.png', ver: 5n, lsn: 5n };
export const remark = (remarkName: string, change: Partial<FriendshipRef> = {}): FriendshipRef => ({
  userId: ann,
  friendId: bob,
  remarkName,
  createdAt: '2026-11-20T09:00:00Z',
  existsNow: true,
  ver: 1n,
  lsn: 3n,
  ...change,
});
export const message = (channelId: bigint, change: Partial<LastMessageRef> = {}): LastMessageRef => ({
  channelId,
  id: 900n,
  seq: 7n,
  senderId: carl,
  msgType: 2,
  content: 'see you at the wall',
  createdAt: '2026-11-21T10:00:00Z',
  recalled: false,
  ...change,
});

export const direct = (change: Partial<ConversationInputs> = {}): ConversationInputs => ({
  member: member(10n, ann),
  channel: directChannel,
  peer: member(10n, bob),
  peerUser: bobUser,
  friendship: undefined,
  lastMessage: undefined,
  lastSender: undefined,
  lastReadSeq: 0n,
  unreadCount: 0,
  ...change,
});
export const inGroup = (change: Partial<ConversationInputs> = {}): ConversationInputs => ({
  member: member(20n, ann),
  channel: group,
  peer: undefined,
  peerUser: undefined,
  friendship: undefined,
  lastMessage: undefined,
  lastSender: undefined,
  lastReadSeq: 0n,
  unreadCount: 0,
  ...change,
});
