import { conversationRow } from './conversationRow';
import { ann, bob, bobUser, carl, carlUser, direct, group, inGroup, member, message, remark } from './conversationRowFixtures';

// The direct channel's own fields are tested in conversationRowDirect.unit.test.ts.

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
