import type { MessageRef } from './refRows';
import { pairKey } from './pairKey';

/** What a conversation row held when it was last built: enough to count on from there. */
export interface CountedState {
  readonly unreadCount: number;
  /** The channel's highest seq when the count was made: every message up to it was counted. */
  readonly lastMessageSeq: bigint;
  readonly lastReadSeq: bigint;
}

export type UnreadPlan = { readonly kind: 'incremental'; readonly base: number; readonly countedTo: bigint } | { readonly kind: 'full' };

/**
 * Counting on from the stored count is exact only while the read pointer is where it was and no
 * counted message has been recalled since; otherwise the messages after the pointer are counted.
 */
export function unreadPlan(existing: CountedState | undefined, lastReadSeq: bigint, recount: boolean): UnreadPlan {
  if (recount || existing === undefined || existing.lastReadSeq !== lastReadSeq) return { kind: 'full' };
  return { kind: 'incremental', base: existing.unreadCount, countedTo: existing.lastMessageSeq };
}

/** Adds the channel's messages after `countedTo` that are unread for `userId`. */
export function countOn(
  plan: Extract<UnreadPlan, { kind: 'incremental' }>,
  userId: bigint,
  lastReadSeq: bigint,
  newMessages: readonly MessageRef[],
): number {
  const after = plan.countedTo > lastReadSeq ? plan.countedTo : lastReadSeq;
  let count = plan.base;
  for (const m of newMessages) {
    if (m.seq > after && m.senderId !== userId && !m.recalled) count += 1;
  }
  return count;
}

/** The contract's unread count from scratch (used by tests and the in-memory model). */
export function unreadFromScratch(userId: bigint, lastReadSeq: bigint, messages: readonly MessageRef[]): number {
  return messages.filter((m) => m.seq > lastReadSeq && m.senderId !== userId && !m.recalled).length;
}

export interface PlannedCount {
  readonly userId: bigint;
  readonly channelId: bigint;
  readonly lastReadSeq: bigint;
  readonly plan: UnreadPlan;
}

/**
 * Each row's plan, and for each channel with an incremental plan the seq after which its
 * messages must be read: the lowest any of its rows counted up to.
 */
export function planUnreadCounts(
  rows: ReadonlyArray<{ readonly userId: bigint; readonly channelId: bigint }>,
  stored: ReadonlyMap<string, CountedState>,
  readSeqs: ReadonlyMap<string, bigint>,
  recountChannels: ReadonlySet<bigint>,
): { readonly plans: readonly PlannedCount[]; readonly messagesAfter: ReadonlyMap<bigint, bigint> } {
  const messagesAfter = new Map<bigint, bigint>();
  const plans = rows.map(({ userId, channelId }) => {
    const key = pairKey(userId, channelId);
    const lastReadSeq = readSeqs.get(key) ?? 0n;
    const plan = unreadPlan(stored.get(key), lastReadSeq, recountChannels.has(channelId));
    if (plan.kind === 'incremental') {
      const from = messagesAfter.get(channelId);
      if (from === undefined || plan.countedTo < from) messagesAfter.set(channelId, plan.countedTo);
    }
    return { userId, channelId, lastReadSeq, plan };
  });
  return { plans, messagesAfter };
}
