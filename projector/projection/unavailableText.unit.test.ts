import type { UnavailableText } from '../decode/changeEvent';
import type { ChannelRef, FriendshipRef, LastMessageRef, UserRef } from './refRows';
import { channelText, friendshipText, lastMessageText, userText } from './unavailableText';

const position = { topic: 'im.public.users', partition: 2, offset: '41' };
const missing = (table: UnavailableText['table'], column: string): UnavailableText => ({ kind: 'unavailable', table, column, position });

const storedUser: UserRef = { id: 1n, nickname: 'ann', avatar: 'long avatar', ver: 3n, lsn: 300n };
const userUpdate = (ver: bigint, lsn: bigint) => ({ id: 1n, nickname: 'ann-2', avatar: missing('users', 'avatar'), ver, lsn });

describe('userText.complete', () => {
  it.each([
    ['the version before', 4n],
    ['the same version', 3n],
  ])('given the stored row at %s, when an update without the avatar completes, then it keeps the stored avatar', (_name, ver) => {
    // given
    const candidate = userUpdate(ver, 400n);
    // when
    const completion = userText.complete(candidate, storedUser);
    // then
    expect(completion).toEqual({ kind: 'complete', row: { id: 1n, nickname: 'ann-2', avatar: 'long avatar', ver, lsn: 400n } });
  });

  it('given no stored row, when an update without the avatar completes, then it is refused, naming the column and the record', () => {
    // when
    const completion = userText.complete(userUpdate(2n, 400n), undefined);
    // then
    expect(completion).toEqual({ kind: 'refused', missing: missing('users', 'avatar'), reason: 'no stored row holds it' });
  });

  it('given the stored row two versions behind, when an update without the avatar completes, then it is refused: a change in between is missing', () => {
    // when
    const completion = userText.complete(userUpdate(5n, 500n), storedUser);
    // then
    expect(completion).toMatchObject({
      kind: 'refused',
      missing: missing('users', 'avatar'),
      reason: expect.stringMatching(/profile_ver 3.*since 5/),
    });
  });

  it('given a newer stored row, when an older update without the avatar completes, then it is stale (the guard drops it)', () => {
    expect(userText.complete(userUpdate(2n, 200n), storedUser)).toEqual({ kind: 'stale' });
  });

  it('given an update whose lender lacked the avatar too, when it completes, then a stored row that could lend to the lender lends to it', () => {
    // given: version 4 and 5 left the avatar unchanged; the batch kept 5, lent by 4
    const chained = userText.lend(userUpdate(5n, 500n), userUpdate(4n, 400n));
    expect(chained).toMatchObject({ avatar: missing('users', 'avatar'), unavailableSince: 4n });
    // when
    const completion = userText.complete(chained, storedUser);
    // then
    expect(completion).toEqual({ kind: 'complete', row: { id: 1n, nickname: 'ann-2', avatar: 'long avatar', ver: 5n, lsn: 500n } });
  });
});

describe('channelText.complete', () => {
  const stored: ChannelRef = {
    id: 8n,
    channelType: 2,
    channelName: 'long name',
    channelAvatar: 'long avatar',
    dissolvedAt: null,
    ver: 2n,
    lsn: 20n,
  };

  it('given the stored channel, when its dissolve arrives without name and avatar, then both are kept', () => {
    // given
    const dissolve = {
      ...stored,
      channelName: missing('channels', 'channel_name'),
      channelAvatar: missing('channels', 'channel_avatar'),
      dissolvedAt: '2026-11-21T10:00:00Z',
      ver: 3n,
      lsn: 30n,
    };
    // when
    const completion = channelText.complete(dissolve, stored);
    // then
    expect(completion).toEqual({ kind: 'complete', row: { ...stored, dissolvedAt: '2026-11-21T10:00:00Z', ver: 3n, lsn: 30n } });
  });
});

describe('friendshipText.complete', () => {
  const stored: FriendshipRef = {
    userId: 1n,
    friendId: 2n,
    remarkName: 'long remark',
    createdAt: '2026-11-21T10:00:00Z',
    existsNow: true,
    ver: 2n,
    lsn: 20n,
  };
  const update = { ...stored, remarkName: missing('friendships', 'remark_name'), ver: 3n, lsn: 30n };

  it('given the stored friendship one version behind, when an update without the remark completes, then it keeps the remark', () => {
    expect(friendshipText.complete(update, stored)).toEqual({ kind: 'complete', row: { ...stored, ver: 3n, lsn: 30n } });
  });

  it('given the stored friendship was deleted, when an update without the remark completes, then it is refused', () => {
    // given: the delete is stored; the INSERT of the new incarnation never arrived
    const deleted: FriendshipRef = { ...stored, remarkName: '', createdAt: null, existsNow: false, ver: 0n, lsn: 25n };
    // when, then
    expect(friendshipText.complete(update, deleted)).toMatchObject({ kind: 'refused', reason: 'the stored friendship is deleted' });
  });
});

describe('lastMessageText.complete', () => {
  const stored: LastMessageRef = {
    channelId: 8n,
    id: 90n,
    seq: 4n,
    senderId: 1n,
    msgType: 1,
    content: 'long content',
    createdAt: '2026-11-21T10:00:00Z',
    recalled: false,
  };
  const recall = (of: LastMessageRef) => ({ ...of, content: missing('messages', 'content'), recalled: true });

  it('given the message is the stored last one, when its recall arrives without the content, then the content is kept', () => {
    expect(lastMessageText.complete(recall(stored), stored)).toEqual({ kind: 'complete', row: { ...stored, recalled: true } });
  });

  it('given a later stored last message, when the recall of an earlier one arrives, then it is stale', () => {
    expect(lastMessageText.complete(recall({ ...stored, id: 80n, seq: 3n }), stored)).toEqual({ kind: 'stale' });
  });

  it('given an earlier stored last message, when the recall of a later one arrives without its content, then it is refused', () => {
    expect(lastMessageText.complete(recall({ ...stored, id: 95n, seq: 5n }), stored)).toMatchObject({
      kind: 'refused',
      missing: missing('messages', 'content'),
      reason: "the channel's stored last message is another one (seq 4)",
    });
  });
});
