import type { ChangeEvent } from '../decode/changeEvent';
import { contactRow, type ContactRow } from './contactRow';
import { k } from './convergenceSource';
import { conversationRow, type ConversationRow } from './conversationRow';
import { refChangesForBatch } from './refChangesForBatch';
import {
  friendshipIsNewer,
  isNewer,
  lastMessageIsNewer,
  type ChannelRef,
  type FriendshipRef,
  type LastMessageRef,
  type MemberRef,
  type MessageRef,
  type ReadRecordRef,
  type UserRef,
} from './refRows';
import { countOn, unreadPlan, type CountedState } from './unreadCount';
import { channelText, friendshipText, lastMessageText, userText, type TextRule } from './unavailableText';

/**
 * Test support for convergence.unit.test.ts: the projector's pure parts over an in-memory copy of
 * the ref_ tables, applying delivered batches and building the views as the store does.
 */

export interface Refs {
  users: Map<bigint, UserRef>;
  channels: Map<bigint, ChannelRef>;
  members: Map<string, MemberRef>;
  messages: Map<string, MessageRef>;
  last: Map<bigint, LastMessageRef>;
  reads: Map<string, ReadRecordRef>;
  friendships: Map<string, FriendshipRef>;
  recount: Set<bigint>;
  views: Map<string, ConversationRow>;
}

export function applyBatchToRefs(refs: Refs, events: readonly ChangeEvent[]): void {
  const ch = refChangesForBatch(events);
  const put = <K, V>(map: Map<K, V>, key: K, row: V, newer: (a: V, b: V | undefined) => boolean) => {
    if (newer(row, map.get(key))) map.set(key, row);
  };
  // As the store does (completeRefChanges): unavailable text from the stored row, else refused.
  const putComplete = <K, C, R extends C>(
    map: Map<K, R>,
    key: K,
    candidate: C,
    rule: TextRule<C, R>,
    newer: (a: R, b: R | undefined) => boolean,
  ) => {
    const completion = rule.complete(candidate, map.get(key));
    if (completion.kind === 'refused') throw new Error(`refused: ${completion.missing.column}, ${completion.reason}`);
    if (completion.kind === 'complete') put(map, key, completion.row, newer);
  };
  for (const u of ch.users) putComplete(refs.users, u.id, u, userText, isNewer);
  for (const c of ch.channels) putComplete(refs.channels, c.id, c, channelText, isNewer);
  for (const m of ch.members) put(refs.members, k(m.channelId, m.userId), m, isNewer);
  for (const m of ch.messages) {
    // As the store does: a message new to ref_messages at or below the channel's last seq came late.
    const lastSeq = refs.last.get(m.channelId)?.seq;
    if (!refs.messages.has(k(m.channelId, m.seq)) && lastSeq !== undefined && m.seq <= lastSeq) refs.recount.add(m.channelId);
    put(refs.messages, k(m.channelId, m.seq), m, (a, b) => b === undefined || (a.recalled && !b.recalled));
  }
  for (const m of ch.lastMessages) putComplete(refs.last, m.channelId, m, lastMessageText, lastMessageIsNewer);
  for (const r of ch.readRecords) put(refs.reads, k(r.userId, r.channelId), r, isNewer);
  for (const f of ch.friendships) putComplete(refs.friendships, k(f.userId, f.friendId), f, friendshipText, friendshipIsNewer);
  for (const mark of ch.marks) if (mark.kind === 'recount') refs.recount.add(mark.channelId);
}

/** A builder pass over every row, counting unread on from the stored row as the store does. */
export function buildAll(refs: Refs): void {
  for (const member of refs.members.values()) {
    const channel = refs.channels.get(member.channelId);
    if (channel === undefined) continue;
    const key = k(member.userId, member.channelId);
    const peer =
      channel.channelType === 1
        ? [...refs.members.values()].find((m) => m.channelId === member.channelId && m.userId !== member.userId)
        : undefined;
    const lastMessage = refs.last.get(member.channelId);
    const lastReadSeq = refs.reads.get(key)?.ver ?? 0n;
    const existing: CountedState | undefined = refs.views.get(key);
    const plan = unreadPlan(existing, lastReadSeq, refs.recount.has(member.channelId));
    const channelMessages = [...refs.messages.values()].filter((m) => m.channelId === member.channelId);
    const unreadCount =
      plan.kind === 'incremental'
        ? countOn(plan, member.userId, lastReadSeq, channelMessages)
        : channelMessages.filter((m) => m.seq > lastReadSeq && m.senderId !== member.userId && !m.recalled).length;
    refs.views.set(
      key,
      conversationRow({
        member,
        channel,
        peer,
        peerUser: peer === undefined ? undefined : refs.users.get(peer.userId),
        friendship: peer === undefined ? undefined : refs.friendships.get(k(member.userId, peer.userId)),
        lastMessage,
        lastSender: lastMessage === undefined ? undefined : refs.users.get(lastMessage.senderId),
        lastReadSeq,
        unreadCount,
      }),
    );
  }
  refs.recount.clear();
}

export function contactsOf(refs: Refs): Map<string, ContactRow> {
  const rows = new Map<string, ContactRow>();
  for (const f of refs.friendships.values()) {
    const direct = [...refs.views.values()]
      .filter((v) => v.userId === f.userId && v.peerUserId === f.friendId)
      .map((v) => v.channelId)
      .sort((x, y) => (x < y ? -1 : 1));
    const row = contactRow(f, refs.users.get(f.friendId), direct[0] ?? null);
    if (row !== null) rows.set(k(f.userId, f.friendId), row);
  }
  return rows;
}
