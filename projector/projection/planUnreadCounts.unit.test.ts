import { pairKey } from './pairKey';
import { planUnreadCounts, type CountedState } from './unreadCount';

// unreadCount.ts's planUnreadCounts; its other functions are tested in unreadCount.unit.test.ts.

describe('planUnreadCounts', () => {
  const stored = (unreadCount: number, lastMessageSeq: bigint, lastReadSeq: bigint): CountedState => ({
    unreadCount,
    lastMessageSeq,
    lastReadSeq,
  });

  it('given two rows of a channel counted up to different seqs, when planned, then the channel is read from the lower one', () => {
    // given
    const rows = [
      { userId: 1n, channelId: 10n },
      { userId: 2n, channelId: 10n },
    ];
    const states = new Map([
      [pairKey(1n, 10n), stored(3, 9n, 4n)],
      [pairKey(2n, 10n), stored(0, 6n, 6n)],
    ]);
    const reads = new Map([
      [pairKey(1n, 10n), 4n],
      [pairKey(2n, 10n), 6n],
    ]);
    // when
    const { plans, messagesAfter } = planUnreadCounts(rows, states, reads, new Set());
    // then
    expect(plans.map((p) => p.plan)).toEqual([
      { kind: 'incremental', base: 3, countedTo: 9n },
      { kind: 'incremental', base: 0, countedTo: 6n },
    ]);
    expect([...messagesAfter]).toEqual([[10n, 6n]]);
  });

  it('given a row never built, a moved read pointer, or a recount, when planned, then it is counted afresh and reads no messages', () => {
    // given
    const rows = [
      { userId: 1n, channelId: 10n },
      { userId: 2n, channelId: 20n },
      { userId: 3n, channelId: 30n },
    ];
    const states = new Map([
      [pairKey(2n, 20n), stored(1, 5n, 2n)],
      [pairKey(3n, 30n), stored(1, 5n, 0n)],
    ]);
    const reads = new Map([[pairKey(2n, 20n), 4n]]);
    // when
    const { plans, messagesAfter } = planUnreadCounts(rows, states, reads, new Set([30n]));
    // then
    expect(plans.map((p) => [p.plan.kind, p.lastReadSeq])).toEqual([
      ['full', 0n],
      ['full', 4n],
      ['full', 0n],
    ]);
    expect(messagesAfter.size).toBe(0);
  });
});
