import type { ChangeEvent, SourceText, UnavailableText } from '../decode/changeEvent';
import { refChangesForBatch } from './refChangesForBatch';

const position = { topic: 'im.public.users', partition: 0, offset: '7' };
const missing = (table: UnavailableText['table'], column: string): UnavailableText => ({ kind: 'unavailable', table, column, position });
const source = (table: ChangeEvent['table'], lsn: bigint) => ({ table, lsn, txId: null, tsMs: 0, snapshot: false });
const user = (profileVer: number, nickname: SourceText, avatar: SourceText): ChangeEvent => ({
  table: 'users',
  op: 'u',
  source: source('users', BigInt(profileVer) * 10n),
  row: { id: 1n, nickname, avatar, profileVer },
});
const message = (lsn: bigint, content: SourceText, recalledAt: string | null): ChangeEvent => ({
  table: 'messages',
  op: 'u',
  source: source('messages', lsn),
  row: { id: 90n, channelId: 8n, seq: 4n, senderId: 1n, msgType: 1, content, createdAt: '2026-11-21T10:00:00Z', recalledAt },
});

describe('refChangesForBatch with texts an event did not carry', () => {
  it('given a profile change and then a nickname change without the avatar, when reduced, then the candidate has the avatar of the change before', () => {
    // given
    const events = [user(2, 'ann', 'long avatar'), user(3, 'ann-2', missing('users', 'avatar'))];
    // when
    const { users } = refChangesForBatch(events);
    // then
    expect(users).toEqual([{ id: 1n, nickname: 'ann-2', avatar: 'long avatar', ver: 3n, lsn: 30n }]);
  });

  it('given two changes in a row without the avatar, when reduced, then it stays unavailable, unchanged since the first', () => {
    // given
    const events = [user(3, 'ann-2', missing('users', 'avatar')), user(4, 'ann-3', missing('users', 'avatar'))];
    // when
    const { users } = refChangesForBatch(events);
    // then
    expect(users).toEqual([{ id: 1n, nickname: 'ann-3', avatar: missing('users', 'avatar'), unavailableSince: 3n, ver: 4n, lsn: 40n }]);
  });

  it('given a message and its recall without the content, when reduced, then the last-message candidate is recalled with the content', () => {
    // when
    const { lastMessages } = refChangesForBatch([
      message(10n, 'long content', null),
      message(20n, missing('messages', 'content'), '2026-11-21T10:01:00Z'),
    ]);
    // then
    expect(lastMessages).toEqual([expect.objectContaining({ id: 90n, content: 'long content', recalled: true })]);
  });

  it('given a recall without the content delivered before the message (a snapshot), when reduced, then the recall takes the content', () => {
    // when
    const { lastMessages } = refChangesForBatch([
      message(20n, missing('messages', 'content'), '2026-11-21T10:01:00Z'),
      message(10n, 'long content', null),
    ]);
    // then
    expect(lastMessages).toEqual([expect.objectContaining({ id: 90n, content: 'long content', recalled: true })]);
  });
});
