import { conversationRow } from './conversationRow';
import { ann, bob, bobUser, direct, directChannel, remark } from './conversationRowFixtures';

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
