import { markFromKey, markKey, type DirtyMark } from './dirtyMark';

// An int64 id beyond 2^53: a key must keep it exact.
const big = 9007199254740993n;

const everyKind: ReadonlyArray<readonly [DirtyMark, readonly [number, bigint, bigint]]> = [
  [{ kind: 'conversation', userId: 1n, channelId: big }, [1, 1n, big]],
  [{ kind: 'channel', channelId: big }, [2, big, 0n]],
  [{ kind: 'user', userId: big }, [3, big, 0n]],
  [{ kind: 'contact', userId: big, contactUserId: 2n }, [4, big, 2n]],
  [{ kind: 'recount', channelId: big }, [5, big, 0n]],
  [{ kind: 'unreadRecount', userId: big, channelId: 3n }, [6, big, 3n]],
  [{ kind: 'channelInShard', channelId: big, shard: 15 }, [7, big, 15n]],
  [{ kind: 'recountInShard', channelId: big, shard: 0 }, [8, big, 0n]],
];

describe('markKey', () => {
  // The codes are stored in projection_dirty and read back by a later process: they must not move.
  it.each(everyKind)('given the mark %p, when keyed, then it is stored as (kind, a, b) = %p', (mark, stored) => {
    // when
    const key = markKey(mark);
    // then
    expect(key).toEqual(stored);
  });

  it.each([
    ['a channel and its recount', { kind: 'channel', channelId: 8n }, { kind: 'recount', channelId: 8n }],
    ['a user and a channel with the same id', { kind: 'user', userId: 8n }, { kind: 'channel', channelId: 8n }],
    [
      'a conversation and a contact with the same pair',
      { kind: 'conversation', userId: 1n, channelId: 2n },
      { kind: 'contact', userId: 1n, contactUserId: 2n },
    ],
    [
      'two conversations of one user',
      { kind: 'conversation', userId: 1n, channelId: 2n },
      { kind: 'conversation', userId: 1n, channelId: 3n },
    ],
    [
      'the two directions of a friendship',
      { kind: 'contact', userId: 1n, contactUserId: 2n },
      { kind: 'contact', userId: 2n, contactUserId: 1n },
    ],
  ] as ReadonlyArray<readonly [string, DirtyMark, DirtyMark]>)(
    'given %s, when keyed, then the keys differ (neither mark is lost to the other)',
    (_name, one, other) => {
      // when
      const keys = [markKey(one), markKey(other)];
      // then
      expect(keys[0]).not.toEqual(keys[1]);
    },
  );

  it('given the same mark twice, when keyed, then the keys are equal (a batch stores it once)', () => {
    expect(markKey({ kind: 'contact', userId: 1n, contactUserId: 2n })).toEqual(
      markKey({ kind: 'contact', userId: 1n, contactUserId: 2n }),
    );
  });
});

describe('markFromKey', () => {
  it.each(everyKind)('given the mark %p stored by its key, when read back, then it is the same mark', (mark) => {
    // given
    const [kind, a, b] = markKey(mark);
    // when
    const read = markFromKey(kind, a, b);
    // then
    expect(read).toEqual(mark);
  });

  it('given a kind code no mark has, when read back, then it is refused', () => {
    expect(() => markFromKey(9, 1n, 0n)).toThrow(/unknown mark kind 9/);
  });
});
