import fc from 'fast-check';
import type { MessageRef } from './refRows';
import { countOn, unreadFromScratch, unreadPlan, type CountedState, type UnreadPlan } from './unreadCount';

// planUnreadCounts is tested in planUnreadCounts.unit.test.ts.

// Ann (1) reads channel 8; bob (2) writes to it.
const ann = 1n;
const bob = 2n;
const msg = (seq: bigint, senderId: bigint = bob, recalled = false): MessageRef => ({ channelId: 8n, seq, senderId, recalled });
const incremental = (base: number, countedTo: bigint): Extract<UnreadPlan, { kind: 'incremental' }> => ({
  kind: 'incremental',
  base,
  countedTo,
});

describe('unreadFromScratch', () => {
  it("given others' messages after the read pointer, when counted, then each is unread", () => {
    // given
    const messages = [msg(4n), msg(5n), msg(6n)];
    // when
    const count = unreadFromScratch(ann, 3n, messages);
    // then
    expect(count).toBe(3);
  });

  it('given messages at and below the read pointer, when counted, then they are not unread', () => {
    // given: seq 5 is the last one read
    const messages = [msg(4n), msg(5n), msg(6n)];
    // when
    const count = unreadFromScratch(ann, 5n, messages);
    // then
    expect(count).toBe(1);
  });

  it("given the member's own messages after the read pointer, when counted, then they are not unread", () => {
    // given
    const messages = [msg(4n, ann), msg(5n), msg(6n, ann)];
    // when
    const count = unreadFromScratch(ann, 3n, messages);
    // then
    expect(count).toBe(1);
  });

  it('given recalled messages after the read pointer, when counted, then they are not unread', () => {
    // given
    const messages = [msg(4n, bob, true), msg(5n), msg(6n, bob, true)];
    // when
    const count = unreadFromScratch(ann, 3n, messages);
    // then
    expect(count).toBe(1);
  });

  it('given no read record (pointer 0), when counted, then every message of the others that is not recalled is unread', () => {
    // given
    const messages = [msg(1n), msg(2n, ann), msg(3n, bob, true), msg(4n)];
    // when
    const count = unreadFromScratch(ann, 0n, messages);
    // then
    expect(count).toBe(2);
  });

  it('given a channel without messages, when counted, then the count is 0', () => {
    expect(unreadFromScratch(ann, 0n, [])).toBe(0);
  });
});

describe('unreadPlan', () => {
  const stored: CountedState = { unreadCount: 2, lastMessageSeq: 9n, lastReadSeq: 7n };

  it('given no stored row, when planned, then the count is made afresh', () => {
    expect(unreadPlan(undefined, 7n, false)).toEqual({ kind: 'full' });
  });

  it('given a stored row whose read pointer has since moved, when planned, then the count is made afresh', () => {
    expect(unreadPlan(stored, 9n, false)).toEqual({ kind: 'full' });
  });

  it('given a message of the channel was recalled, when planned, then the count is made afresh even with the pointer standing still', () => {
    expect(unreadPlan(stored, 7n, true)).toEqual({ kind: 'full' });
  });

  it('given the read pointer stands still and nothing was recalled, when planned, then it counts on from the stored count after the last counted seq', () => {
    expect(unreadPlan(stored, 7n, false)).toEqual({ kind: 'incremental', base: 2, countedTo: 9n });
  });
});

describe('countOn', () => {
  it("given others' new messages after the last counted seq, when counted on, then they are added to the stored count", () => {
    // when
    const count = countOn(incremental(2, 9n), ann, 7n, [msg(10n), msg(11n)]);
    // then
    expect(count).toBe(4);
  });

  it('given messages at or below the last counted seq, when counted on, then they are not counted twice', () => {
    // given: 8 and 9 are already in the stored count of 2
    const messages = [msg(8n), msg(9n), msg(10n)];
    // when
    const count = countOn(incremental(2, 9n), ann, 7n, messages);
    // then
    expect(count).toBe(3);
  });

  it("given new messages of the member's own and recalled ones, when counted on, then only the others' live messages are added", () => {
    // given
    const messages = [msg(10n, ann), msg(11n, bob, true), msg(12n)];
    // when
    const count = countOn(incremental(2, 9n), ann, 7n, messages);
    // then
    expect(count).toBe(3);
  });

  it('given a read pointer ahead of the last counted seq, when counted on, then messages at or below the pointer are not unread', () => {
    // given: the member read up to 12 before the messages after 9 had been counted
    const messages = [msg(10n), msg(11n), msg(12n), msg(13n)];
    // when
    const count = countOn(incremental(0, 9n), ann, 12n, messages);
    // then
    expect(count).toBe(1);
  });

  it('given no new messages, when counted on, then the stored count stands', () => {
    expect(countOn(incremental(5, 9n), ann, 7n, [])).toBe(5);
  });

  it('given a count made from scratch and later messages with the pointer standing still, when counted on, then it equals the count from scratch', () => {
    const history = fc.array(fc.record({ fromAnn: fc.boolean(), recalled: fc.boolean() }), { maxLength: 20 });
    fc.assert(
      fc.property(history, history, fc.nat({ max: 20 }), (before, after, pointer) => {
        // given: messages up to the stored row's last seq, none recalled since it was counted
        const counted = before.map((m, i) => msg(BigInt(i + 1), m.fromAnn ? ann : bob, m.recalled));
        const lastReadSeq = BigInt(pointer);
        const stored: CountedState = {
          unreadCount: unreadFromScratch(ann, lastReadSeq, counted),
          lastMessageSeq: BigInt(counted.length),
          lastReadSeq,
        };
        const later = after.map((m, i) => msg(BigInt(counted.length + i + 1), m.fromAnn ? ann : bob, m.recalled));
        // when
        const plan = unreadPlan(stored, lastReadSeq, false);
        const count = plan.kind === 'incremental' ? countOn(plan, ann, lastReadSeq, later) : undefined;
        // then
        expect(count).toBe(unreadFromScratch(ann, lastReadSeq, [...counted, ...later]));
      }),
    );
  });
});
