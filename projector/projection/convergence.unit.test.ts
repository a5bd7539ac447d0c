import fc from 'fast-check';
import type { ContactRow } from './contactRow';
import { deliver, mulberry32 } from './convergenceDelivery';
import { commandHistory, runHistory } from './convergenceHistory';
import { expectedViews } from './convergenceOracle';
import { applyBatchToRefs, buildAll, contactsOf, type Refs } from './convergenceRefs';
import type { ConversationRow } from './conversationRow';

/**
 * The central property: whatever order (within a partition key), duplication and interleaving
 * the change events arrive in, and whenever the view builder runs, the views end equal to the
 * contract's definition computed directly from the final source rows. It holds too when every
 * UPDATE that leaves a text as it was sends it unavailable (as Debezium does for an unchanged
 * TOASTed value under REPLICA IDENTITY DEFAULT).
 *
 * Here the events go through the projection's pure rules over an in-memory copy of the ref_
 * tables (convergenceRefs.ts); store/convergence.sql.test.ts runs the same histories through the
 * real SQL.
 */

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
