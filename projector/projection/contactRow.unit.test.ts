import { contactRow } from './contactRow';
import type { FriendshipRef, UserRef } from './refRows';

// Ann (1) has bob (2) as a friend; their direct channel is 10.
const ann = 1n;
const bob = 2n;
const friendship = (change: Partial<FriendshipRef> = {}): FriendshipRef => ({
  userId: ann,
  friendId: bob,
  remarkName: '',
  createdAt: '2026-11-20T09:00:00Z',
  existsNow: true,
  ver: 1n,
  lsn: 3n,
  ...change,
});
const bobUser: UserRef = { id: bob, nickname: 'bob', avatar: 'bob.png', ver: 2n, lsn: 2n };

describe('contactRow', () => {
  it("given a friendship, when built, then the row is keyed by user and friend and carries the remark, the contact's current profile and the friendship's creation", () => {
    // given
    const f = friendship({ remarkName: 'Bobby' });
    // when
    const row = contactRow(f, bobUser, 10n);
    // then
    expect(row).toMatchObject({
      userId: ann,
      contactUserId: bob,
      remarkName: 'Bobby',
      nickname: 'bob',
      avatar: 'bob.png',
      directChannelId: 10n,
      friendsSince: '2026-11-20T09:00:00Z',
    });
  });

  it('given a remark, when built, then the display name is the remark', () => {
    // when
    const row = contactRow(friendship({ remarkName: 'Bobby' }), bobUser, 10n);
    // then
    expect(row?.displayName).toBe('Bobby');
  });

  it("given an empty remark, when built, then the display name is the contact's nickname", () => {
    // when
    const row = contactRow(friendship({ remarkName: '' }), bobUser, 10n);
    // then
    expect(row).toMatchObject({ remarkName: '', displayName: 'bob' });
  });

  it("given the contact renamed and no remark, when built, then the nickname and the display name follow the contact's current nickname", () => {
    // given
    const renamed: UserRef = { ...bobUser, nickname: 'robert', avatar: 'robert.png', ver: 3n, lsn: 30n };
    // when
    const row = contactRow(friendship(), renamed, 10n);
    // then
    expect(row).toMatchObject({ nickname: 'robert', avatar: 'robert.png', displayName: 'robert' });
  });

  it('given the contact renamed and a remark, when built, then the display name stays the remark and the nickname is the new one', () => {
    // given
    const renamed: UserRef = { ...bobUser, nickname: 'robert', ver: 3n, lsn: 30n };
    // when
    const row = contactRow(friendship({ remarkName: 'Bobby' }), renamed, 10n);
    // then
    expect(row).toMatchObject({ nickname: 'robert', displayName: 'Bobby' });
  });

  it('given the pair has no direct channel, when built, then direct_channel_id is null', () => {
    // when
    const row = contactRow(friendship(), bobUser, null);
    // then
    expect(row?.directChannelId).toBeNull();
  });

  it('given a friendship re-created after an unfriend, when built, then friends_since is the new creation time', () => {
    // given
    const again = friendship({ createdAt: '2026-11-25T12:00:00Z', ver: 1n, lsn: 50n });
    // when
    const row = contactRow(again, bobUser, 10n);
    // then
    expect(row?.friendsSince).toBe('2026-11-25T12:00:00Z');
  });

  it('given the friendship was deleted (unfriended), when built, then there is no contact row', () => {
    // given
    const deleted = friendship({ remarkName: '', createdAt: null, existsNow: false, ver: 0n, lsn: 40n });
    // when
    const row = contactRow(deleted, bobUser, 10n);
    // then
    expect(row).toBeNull();
  });

  it('given a copy marked deleted that still holds its remark and creation time, when built, then there is no contact row', () => {
    // given: whether the friendship exists now is the flag's to say, not the leftover columns'
    const deleted = friendship({ remarkName: 'Bobby', existsNow: false, lsn: 40n });
    // when
    const row = contactRow(deleted, bobUser, 10n);
    // then
    expect(row).toBeNull();
  });

  it('given no friendship row, when built, then there is no contact row', () => {
    // when
    const row = contactRow(undefined, bobUser, 10n);
    // then
    expect(row).toBeNull();
  });
});
