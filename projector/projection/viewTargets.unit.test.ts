import { shardOfOwner } from './builderShard';
import { member } from './conversationRowFixtures';
import type { ChannelRef } from './refRows';
import { conversationTargets, keysOfMarks, membersToRead } from './viewTargets';

const channel = (id: bigint, channelType: 1 | 2): ChannelRef => ({
  id,
  channelType,
  channelName: '',
  channelAvatar: '',
  dissolvedAt: null,
  ver: 1n,
  lsn: 1n,
});

describe('keysOfMarks', () => {
  it('given shard marks of every kind, when sorted, then each lands where the builder looks for it', () => {
    // when
    const keys = keysOfMarks([
      { kind: 'conversation', userId: 1n, channelId: 10n },
      { kind: 'unreadRecount', userId: 1n, channelId: 30n },
      { kind: 'contact', userId: 1n, contactUserId: 2n },
      { kind: 'channelInShard', channelId: 40n, shard: 3 },
      { kind: 'recountInShard', channelId: 50n, shard: 4 },
    ]);
    // then
    expect([...keys.conversations.values()]).toEqual([
      { kind: 'conversation', userId: 1n, channelId: 10n },
      { kind: 'unreadRecount', userId: 1n, channelId: 30n },
    ]);
    expect([...keys.recountChannels]).toEqual([30n, 50n]);
    expect(keys.channelsInShards).toEqual(
      new Map([
        [40n, new Set([3])],
        [50n, new Set([4])],
      ]),
    );
    expect([...keys.contacts.values()]).toEqual([{ kind: 'contact', userId: 1n, contactUserId: 2n }]);
    expect(keys.remarkPairs).toEqual([{ kind: 'contact', userId: 1n, contactUserId: 2n }]);
  });

  it('given the same conversation marked twice, then it is built once', () => {
    const keys = keysOfMarks([
      { kind: 'conversation', userId: 1n, channelId: 10n },
      { kind: 'conversation', userId: 1n, channelId: 10n },
    ]);
    expect(keys.conversations.size).toBe(1);
  });
});

describe('membersToRead', () => {
  it('given a keyed member of a direct channel, then the whole channel is read, since each row depends on the other member', () => {
    const keys = keysOfMarks([{ kind: 'conversation', userId: 1n, channelId: 10n }]);
    expect(membersToRead(keys, new Map([[10n, channel(10n, 1)]]))).toEqual({
      wholeChannels: [10n],
      channelsInShards: [],
      singleMembers: [],
    });
  });

  it('given a keyed member of a group, then only that member is read', () => {
    const keys = keysOfMarks([{ kind: 'conversation', userId: 1n, channelId: 20n }]);
    expect(membersToRead(keys, new Map([[20n, channel(20n, 2)]]))).toEqual({
      wholeChannels: [],
      channelsInShards: [],
      singleMembers: [{ kind: 'conversation', userId: 1n, channelId: 20n }],
    });
  });

  it('given a group marked in a shard and a member of that shard marked alone, then the group is read in that shard and the member not again', () => {
    const keys = keysOfMarks([
      { kind: 'channelInShard', channelId: 20n, shard: shardOfOwner(1n) },
      { kind: 'conversation', userId: 1n, channelId: 20n },
    ]);
    expect(membersToRead(keys, new Map([[20n, channel(20n, 2)]]))).toEqual({
      wholeChannels: [],
      channelsInShards: [{ channelId: 20n, shard: shardOfOwner(1n) }],
      singleMembers: [],
    });
  });

  it('given a group marked in one shard and a member of another shard marked alone, then both are read', () => {
    const other = Array.from({ length: 100 }, (_, i) => BigInt(i + 2)).find((u) => shardOfOwner(u) !== shardOfOwner(1n))!;
    const keys = keysOfMarks([
      { kind: 'channelInShard', channelId: 20n, shard: shardOfOwner(1n) },
      { kind: 'channelInShard', channelId: 20n, shard: shardOfOwner(1n) },
      { kind: 'conversation', userId: other, channelId: 20n },
    ]);
    expect(membersToRead(keys, new Map([[20n, channel(20n, 2)]]))).toEqual({
      wholeChannels: [],
      channelsInShards: [{ channelId: 20n, shard: shardOfOwner(1n) }],
      singleMembers: [{ kind: 'conversation', userId: other, channelId: 20n }],
    });
  });

  it('given a direct channel marked in a shard, then both members are read, since each row depends on the other', () => {
    const keys = keysOfMarks([{ kind: 'recountInShard', channelId: 10n, shard: 3 }]);
    expect(membersToRead(keys, new Map([[10n, channel(10n, 1)]]))).toEqual({
      wholeChannels: [10n],
      channelsInShards: [],
      singleMembers: [],
    });
    expect(keys.recountChannels).toEqual(new Set([10n]));
  });

  it('given a member marked for a plain rebuild and for a recount, then it is read once', () => {
    const keys = keysOfMarks([
      { kind: 'conversation', userId: 1n, channelId: 20n },
      { kind: 'unreadRecount', userId: 1n, channelId: 20n },
    ]);
    expect(membersToRead(keys, new Map([[20n, channel(20n, 2)]])).singleMembers).toHaveLength(1);
  });

  it('given a keyed member of a channel that has not arrived, then nothing is read for it: the channel brings its own mark', () => {
    const keys = keysOfMarks([{ kind: 'conversation', userId: 1n, channelId: 99n }]);
    expect(membersToRead(keys, new Map())).toEqual({ wholeChannels: [], channelsInShards: [], singleMembers: [] });
  });
});

describe('conversationTargets', () => {
  it('given both members of a direct channel, then each row has the other as its peer', () => {
    const targets = conversationTargets(new Map([[10n, channel(10n, 1)]]), [member(10n, 1n), member(10n, 2n)]);
    expect(targets.map((t) => [t.member.userId, t.peer?.userId])).toEqual([
      [1n, 2n],
      [2n, 1n],
    ]);
  });

  it('given one member of a direct channel whose peer has not arrived, then its row is built without a peer', () => {
    const targets = conversationTargets(new Map([[10n, channel(10n, 1)]]), [member(10n, 1n)]);
    expect(targets).toEqual([{ member: member(10n, 1n), channel: channel(10n, 1), peer: undefined }]);
  });

  it('given group members, then no row has a peer', () => {
    const targets = conversationTargets(new Map([[20n, channel(20n, 2)]]), [member(20n, 1n), member(20n, 2n)]);
    expect(targets.map((t) => t.peer)).toEqual([undefined, undefined]);
  });

  it('given members of a channel not read, then they get no row yet', () => {
    expect(conversationTargets(new Map(), [member(10n, 1n)])).toEqual([]);
  });

  it('given a direct channel whose other member belongs to another builder, then only the owned row is built, with its peer', () => {
    const targets = conversationTargets(new Map([[10n, channel(10n, 1)]]), [member(10n, 1n), member(10n, 2n)], (userId) => userId === 2n);
    expect(targets.map((t) => [t.member.userId, t.peer?.userId])).toEqual([[2n, 1n]]);
  });
});
