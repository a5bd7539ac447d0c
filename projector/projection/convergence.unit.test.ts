import fc from 'fast-check';
import type { ChangeEvent } from '../decode/changeEvent';
import { contactRow, type ContactRow } from './contactRow';
import { commandHistory, deliver, expectedViews, k, mulberry32, runHistory } from './convergenceHistory';
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
 * The central property: whatever order (within a partition key), duplication and interleaving
 * the change events arrive in, and whenever the view builder runs, the views end equal to the
 * contract's definition computed directly from the final source rows. It holds too when every
 * UPDATE that leaves a text as it was sends it unavailable (as Debezium does for an unchanged
 * TOASTed value under REPLICA IDENTITY DEFAULT).
 *
 * Here the events go through the projection's pure rules over an in-memory copy of the ref_
 * tables; store/convergence.sql.test.ts runs the same histories through the real SQL.
 */

// ---- The projector's pure parts over an in-memory copy of the ref_ tables.

interface Refs {
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

function applyBatchToRefs(refs: Refs, events: readonly ChangeEvent[]): void {
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
function buildAll(refs: Refs): void {
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

function contactsOf(refs: Refs): Map<string, ContactRow> {
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

const projected = (v: ConversationRow) => ({
  type: v.conversationType,
  peer: v.peerUserId,
  peerNickname: v.peerNickname,
  peerAvatar: v.peerAvatar,
  remark: v.remarkName,
  name: v.conversationName,
  avatar: v.conversationAvatar,
  lastId: v.lastMessageId,
  lastSeq: v.lastMessageSeq,
  lastType: v.lastMessageType,
  lastContent: v.lastMessageContent,
  lastSender: v.lastMessageSenderId,
  lastSenderName: v.lastMessageSenderName,
  lastTime: v.lastMessageTime,
  unread: v.unreadCount,
  flags: [v.isPinned, v.isMuted, v.isHidden],
  closedAt: v.closedAt,
});
const projectedContact = (c: ContactRow) => ({
  remark: c.remarkName,
  nickname: c.nickname,
  avatar: c.avatar,
  display: c.displayName,
  direct: c.directChannelId,
  since: c.friendsSince,
});

const RUNS = 300;
const stats = { runs: 0, events: 0, rows: 0, unavailable: 0 };

describe('projection convergence (property)', () => {
  afterAll(() => {
    // Guards against a generator that drifts into trivial histories.
    expect(stats.events / stats.runs).toBeGreaterThan(30);
    expect(stats.rows / stats.runs).toBeGreaterThan(3);
    expect(stats.unavailable / RUNS).toBeGreaterThan(1);
  });

  it.each([
    ['every text in every event', false],
    ['texts an UPDATE left as they were sent unavailable', true],
  ])('ends in the contract views for any delivery order, duplication and build timing (%s)', (_name, unchangedTextUnavailable) => {
    fc.assert(
      fc.property(commandHistory, fc.integer(), (commands, seed) => {
        const { source, emitted } = runHistory(commands, { unchangedTextUnavailable });
        const rand = mulberry32(seed);
        const refs: Refs = {
          users: new Map(),
          channels: new Map(),
          members: new Map(),
          messages: new Map(),
          last: new Map(),
          reads: new Map(),
          friendships: new Map(),
          recount: new Set(),
          views: new Map(),
        };
        deliver(emitted, rand, (batch) => {
          applyBatchToRefs(refs, batch);
          if (rand() < 0.3) buildAll(refs);
        });
        buildAll(refs);
        stats.runs += 1;
        stats.events += emitted.length;
        stats.rows += refs.views.size;
        stats.unavailable += emitted.filter((e) => e.event !== e.whole).length;

        const expected = expectedViews(source);
        const actualConversations = new Map([...refs.views].map(([key, v]) => [key, projected(v)]));
        expect(actualConversations).toEqual(expected.conversations);
        const actualContacts = new Map([...contactsOf(refs)].map(([key, c]) => [key, projectedContact(c)]));
        expect(actualContacts).toEqual(expected.contacts);
      }),
      { numRuns: RUNS },
    );
  });
});
