import { conversationRow, type ConversationInputs } from './conversationRow';
import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, UserRef } from './refRows';

// Ann (1) and bob (2) share direct channel 10; ann is in group 20. Ann's rows are built.
const ann = 1n;
const bob = 2n;
const carl = 3n;
const member = (channelId: bigint, userId: bigint, change: Partial<MemberRef> = {}): MemberRef => ({
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
const directChannel: ChannelRef = { id: 10n, channelType: 1, channelName: '', channelAvatar: '', dissolvedAt: null, ver: 1n, lsn: 1n };
const group: ChannelRef = {
  id: 20n,
  channelType: 2,
  channelName: 'climbers',
  channelAvatar: 'climbers.png',
  dissolvedAt: null,
  ver: 4n,
  lsn: 4n,
};
const bobUser: UserRef = { id: bob, nickname: 'bob', avatar: 'bob.png', ver: 2n, lsn: 2n };
const carlUser: UserRef = { id: carl, nickname: 'carl', avatar: 'carl.png', ver: 5n, lsn: 5n };
const remark = (remarkName: string, change: Partial<FriendshipRef> = {}): FriendshipRef => ({
  userId: ann,
  friendId: bob,
  remarkName,
  createdAt: '2026-11-20T09:00:00Z',
  existsNow: true,
  ver: 1n,
  lsn: 3n,
  ...change,
});
const message = (channelId: bigint, change: Partial<LastMessageRef> = {}): LastMessageRef => ({
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

const direct = (change: Partial<ConversationInputs> = {}): ConversationInputs => ({
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
const inGroup = (change: Partial<ConversationInputs> = {}): ConversationInputs => ({
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

describe('conversationRow of a direct channel', () => {
  it("given the other member and their profile, when built, then the peer fields are the peer's id, current nickname and avatar", () => {
    // given
    const input = direct();
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      userId: ann,
      channelId: 10n,
      conversationType: 1,
      peerUserId: bob,
      peerNickname: 'bob',
      peerAvatar: 'bob.png',
    });
  });

  it('given a friendship with a remark, when built, then the remark is the remark name and the conversation name', () => {
    // given
    const input = direct({ friendship: remark('Bobby') });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ remarkName: 'Bobby', conversationName: 'Bobby', peerNickname: 'bob' });
  });

  it("given a friendship whose remark is empty, when built, then the conversation name is the peer's nickname", () => {
    // given
    const input = direct({ friendship: remark('') });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ remarkName: '', conversationName: 'bob' });
  });

  it("given no friendship with the peer, when built, then the remark is empty and the conversation name is the peer's nickname", () => {
    // given
    const input = direct({ friendship: undefined });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ remarkName: '', conversationName: 'bob' });
  });

  it('given a friendship that was deleted (unfriended), when built, then its remark no longer names the conversation', () => {
    // given: the stored copy of the deleted row still holds a remark
    const input = direct({ friendship: remark('Bobby', { existsNow: false, createdAt: null, lsn: 9n }) });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ remarkName: '', conversationName: 'bob' });
  });

  it("given the peer has renamed and changed avatar, when built, then the row shows the peer's current profile", () => {
    // given
    const input = direct({ peerUser: { ...bobUser, nickname: 'robert', avatar: 'robert.png', ver: 3n, lsn: 30n } });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      peerNickname: 'robert',
      peerAvatar: 'robert.png',
      conversationName: 'robert',
      conversationAvatar: 'robert.png',
    });
  });

  it("given a remark, when built, then the conversation avatar is still the peer's avatar", () => {
    // given
    const input = direct({ friendship: remark('Bobby') });
    // when
    const row = conversationRow(input);
    // then
    expect(row.conversationAvatar).toBe('bob.png');
  });

  it('given the channel row carries a name and an avatar, when built, then a direct conversation ignores them', () => {
    // given
    const input = direct({ channel: { ...directChannel, channelName: 'ann+bob', channelAvatar: 'pair.png' } });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ conversationName: 'bob', conversationAvatar: 'bob.png' });
  });
});

describe('conversationRow of a group channel', () => {
  it("given a group, when built, then the peer fields and the remark are empty and the name and avatar are the channel's", () => {
    // given
    const input = inGroup();
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      userId: ann,
      channelId: 20n,
      conversationType: 2,
      peerUserId: null,
      peerNickname: '',
      peerAvatar: '',
      remarkName: '',
      conversationName: 'climbers',
      conversationAvatar: 'climbers.png',
    });
  });

  it('given a group with inputs a direct channel would use (a peer, their profile, a friendship), when built, then the peer fields stay empty', () => {
    // given
    const input = inGroup({ peer: member(20n, bob), peerUser: bobUser, friendship: remark('Bobby') });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      peerUserId: null,
      peerNickname: '',
      peerAvatar: '',
      remarkName: '',
      conversationName: 'climbers',
      conversationAvatar: 'climbers.png',
    });
  });

  it('given a group without a name or an avatar, when built, then the conversation name and avatar are empty', () => {
    // given
    const input = inGroup({ channel: { ...group, channelName: '', channelAvatar: '' } });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ conversationName: '', conversationAvatar: '' });
  });
});

describe('conversationRow, last message', () => {
  it("given the channel's last message, when built, then the row carries its id, seq, type, content, sender, the sender's current nickname and its time", () => {
    // given
    const input = inGroup({ lastMessage: message(20n), lastSender: carlUser });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      lastMessageId: 900n,
      lastMessageSeq: 7n,
      lastMessageType: 2,
      lastMessageContent: 'see you at the wall',
      lastMessageSenderId: carl,
      lastMessageSenderName: 'carl',
      lastMessageTime: '2026-11-21T10:00:00Z',
    });
  });

  it('given the last message was recalled, when built, then its content is empty and the rest of the message stays', () => {
    // given
    const input = inGroup({ lastMessage: message(20n, { recalled: true }), lastSender: carlUser });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      lastMessageId: 900n,
      lastMessageSeq: 7n,
      lastMessageType: 2,
      lastMessageContent: '',
      lastMessageSenderId: carl,
      lastMessageSenderName: 'carl',
      lastMessageTime: '2026-11-21T10:00:00Z',
    });
  });

  it('given a channel without messages, when built, then the last message is null, seq 0, empty content and sender name', () => {
    // given
    const input = direct({ lastMessage: undefined, lastSender: undefined });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({
      lastMessageId: null,
      lastMessageSeq: 0n,
      lastMessageType: null,
      lastMessageContent: '',
      lastMessageSenderId: null,
      lastMessageSenderName: '',
      lastMessageTime: null,
    });
  });

  it("given the last sender renamed, when built, then the sender name is the sender's current nickname", () => {
    // given
    const input = inGroup({ lastMessage: message(20n), lastSender: { ...carlUser, nickname: 'carlos', ver: 6n, lsn: 60n } });
    // when
    const row = conversationRow(input);
    // then
    expect(row.lastMessageSenderName).toBe('carlos');
  });

  it("given a direct channel whose last message is the peer's, when built, then the sender name is the sender's nickname, not the remark", () => {
    // given
    const input = direct({ friendship: remark('Bobby'), lastMessage: message(10n, { senderId: bob }), lastSender: bobUser });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ lastMessageSenderId: bob, lastMessageSenderName: 'bob', conversationName: 'Bobby' });
  });
});

describe('conversationRow, member settings, unread count and closing', () => {
  it("given the member's pinned, muted and hidden flags and an unread count, when built, then the row carries them", () => {
    // given
    const input = inGroup({ member: member(20n, ann, { isPinned: true, isMuted: true, isHidden: false }), unreadCount: 4 });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ isPinned: true, isMuted: true, isHidden: false, unreadCount: 4 });
  });

  it('given a hidden conversation, when built, then it is hidden and nothing else is', () => {
    // given
    const input = inGroup({ member: member(20n, ann, { isHidden: true }) });
    // when
    const row = conversationRow(input);
    // then
    expect(row).toMatchObject({ isPinned: false, isMuted: false, isHidden: true });
  });

  it('given an active member of a live channel, when built, then closed_at is null', () => {
    // when
    const row = conversationRow(inGroup());
    // then
    expect(row.closedAt).toBeNull();
  });

  it('given the member left, when built, then closed_at is left_at', () => {
    // given
    const input = inGroup({ member: member(20n, ann, { leftAt: '2026-11-21T11:00:00Z' }) });
    // when
    const row = conversationRow(input);
    // then
    expect(row.closedAt).toBe('2026-11-21T11:00:00Z');
  });

  it('given the group was dissolved and the member had not left, when built, then closed_at is dissolved_at', () => {
    // given
    const input = inGroup({ channel: { ...group, dissolvedAt: '2026-11-22T08:00:00Z' } });
    // when
    const row = conversationRow(input);
    // then
    expect(row.closedAt).toBe('2026-11-22T08:00:00Z');
  });

  it('given the member left and the group was dissolved later, when built, then closed_at is left_at', () => {
    // given
    const input = inGroup({
      member: member(20n, ann, { leftAt: '2026-11-21T11:00:00Z' }),
      channel: { ...group, dissolvedAt: '2026-11-22T08:00:00Z' },
    });
    // when
    const row = conversationRow(input);
    // then
    expect(row.closedAt).toBe('2026-11-21T11:00:00Z');
  });
});
