import fc from 'fast-check';
import type { ChangeEvent } from '../decode/changeEvent';
import { contactRow, type ContactRow } from './contactRow';
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

/**
 * The central property: whatever order (within a partition key), duplication and interleaving
 * the change events arrive in, and whenever the view builder runs, the views end equal to the
 * contract's definition computed directly from the final source rows.
 */

// ---- The write side: a tiny source database that keeps the contract's rules and emits events.

interface Source {
  users: Map<bigint, { nickname: string; avatar: string; profileVer: number }>;
  channels: Map<bigint, { type: 1 | 2; name: string; avatar: string; ver: number; dissolvedAt: string | null }>;
  members: Map<string, { channelId: bigint; userId: bigint; leftAt: string | null; pinned: boolean; muted: boolean; hidden: boolean; ver: number }>;
  messages: Map<string, { id: bigint; channelId: bigint; seq: bigint; senderId: bigint; content: string; createdAt: string; recalledAt: string | null }>;
  reads: Map<string, { userId: bigint; channelId: bigint; seq: bigint }>;
  friendships: Map<string, { userId: bigint; friendId: bigint; remark: string; ver: number; createdAt: string }>;
}

interface Emitted {
  readonly event: ChangeEvent;
  /** Topic and partition key: order is kept only among events with the same stream. */
  readonly stream: string;
}

const k = (a: bigint, b: bigint) => `${a}:${b}`;
const ts = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
const USERS = 5;
const CHANNELS = 4;

const command = fc.record({
  kind: fc.constantFrom('user', 'rename', 'direct', 'group', 'join', 'leave', 'member', 'channelInfo', 'send', 'recall', 'read', 'friend', 'remark', 'unfriend'),
  a: fc.integer({ min: 1, max: USERS }),
  b: fc.integer({ min: 1, max: USERS }),
  c: fc.integer({ min: 1, max: CHANNELS }),
  n: fc.integer({ min: 0, max: 30 }),
});
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

function runHistory(commands: readonly Command[]): { source: Source; emitted: Emitted[] } {
  const s: Source = { users: new Map(), channels: new Map(), members: new Map(), messages: new Map(), reads: new Map(), friendships: new Map() };
  const emitted: Emitted[] = [];
  let lsn = 100n;
  let clock = 0;
  const source = (table: ChangeEvent['table']) => ({ table, lsn: (lsn += 10n), txId: null, tsMs: 0, snapshot: false });
  const emitUser = (id: bigint) => {
    const u = s.users.get(id)!;
    emitted.push({ stream: `users/${id}`, event: { table: 'users', op: 'u', source: source('users'), row: { id, nickname: u.nickname, avatar: u.avatar, profileVer: u.profileVer } } });
  };
  const emitChannel = (id: bigint) => {
    const c = s.channels.get(id)!;
    emitted.push({
      stream: `channels/${id}`,
      event: { table: 'channels', op: 'u', source: source('channels'), row: { id, channelType: c.type, channelName: c.name, channelAvatar: c.avatar, channelInfoVer: c.ver, dissolvedAt: c.dissolvedAt } },
    });
  };
  const emitMember = (channelId: bigint, userId: bigint) => {
    const m = s.members.get(k(channelId, userId))!;
    emitted.push({
      stream: `members/${channelId}`,
      event: {
        table: 'channel_members', op: 'u', source: source('channel_members'),
        row: { channelId, userId, role: 0, leftAt: m.leftAt, isPinned: m.pinned, isMuted: m.muted, isHidden: m.hidden, memberVer: m.ver },
      },
    });
  };
  const emitMessage = (channelId: bigint, seq: bigint) => {
    const m = s.messages.get(k(channelId, seq))!;
    emitted.push({
      stream: `messages/${channelId}`,
      event: { table: 'messages', op: 'u', source: source('messages'), row: { ...m, msgType: 1 } },
    });
  };
  const emitRead = (userId: bigint, channelId: bigint) => {
    const r = s.reads.get(k(userId, channelId))!;
    emitted.push({ stream: `reads/${userId}`, event: { table: 'channel_read_records', op: 'u', source: source('channel_read_records'), row: { userId, channelId, lastReadSeq: r.seq } } });
  };
  const emitFriendship = (userId: bigint, friendId: bigint) => {
    const f = s.friendships.get(k(userId, friendId));
    const stream = `friendships/${userId}:${friendId}`;
    if (f === undefined) emitted.push({ stream, event: { table: 'friendships', op: 'd', source: source('friendships'), key: { userId, friendId } } });
    else emitted.push({ stream, event: { table: 'friendships', op: 'u', source: source('friendships'), row: { userId, friendId, remarkName: f.remark, friendVer: f.ver, createdAt: f.createdAt } } });
  };
  const maxSeq = (channelId: bigint) => [...s.messages.values()].filter((m) => m.channelId === channelId).reduce((max, m) => (m.seq > max ? m.seq : max), 0n);
  const join = (channelId: bigint, userId: bigint) => {
    s.members.set(k(channelId, userId), { channelId, userId, leftAt: null, pinned: false, muted: false, hidden: false, ver: 1 });
    emitMember(channelId, userId);
    s.reads.set(k(userId, channelId), { userId, channelId, seq: maxSeq(channelId) });
    emitRead(userId, channelId);
  };

  // Every user exists from the start, so most commands find what they act on.
  const setup: Command[] = Array.from({ length: USERS }, (_, i) => ({ kind: 'user', a: i + 1, b: 1, c: 1, n: 0 }));
  for (const cmd of [...setup, ...commands]) {
    clock += 1;
    const a = BigInt(cmd.a);
    const b = BigInt(cmd.b);
    const c = BigInt(100 + cmd.c);
    const user = s.users.get(a);
    const channel = s.channels.get(c);
    const member = s.members.get(k(c, a));
    switch (cmd.kind) {
      case 'user':
        if (user === undefined) {
          s.users.set(a, { nickname: `u${a}`, avatar: '', profileVer: 1 });
          emitUser(a);
        }
        break;
      case 'rename':
        if (user !== undefined) {
          s.users.set(a, { nickname: `u${a}-${cmd.n}`, avatar: `av${cmd.n}`, profileVer: user.profileVer + 1 });
          emitUser(a);
        }
        break;
      case 'direct':
        if (channel === undefined && a !== b && s.users.has(a) && s.users.has(b)) {
          s.channels.set(c, { type: 1, name: '', avatar: '', ver: 1, dissolvedAt: null });
          emitChannel(c);
          join(c, a);
          join(c, b);
        }
        break;
      case 'group':
        if (channel === undefined && s.users.has(a)) {
          s.channels.set(c, { type: 2, name: `g${c}`, avatar: '', ver: 1, dissolvedAt: null });
          emitChannel(c);
          join(c, a);
        }
        break;
      case 'join':
        if (channel?.type === 2 && channel.dissolvedAt === null && s.users.has(a)) {
          if (member === undefined) join(c, a);
          else if (member.leftAt !== null) {
            s.members.set(k(c, a), { ...member, leftAt: null, ver: member.ver + 1 });
            emitMember(c, a);
          }
        }
        break;
      case 'leave':
        if (channel?.type === 2 && member !== undefined && member.leftAt === null) {
          s.members.set(k(c, a), { ...member, leftAt: ts(clock), ver: member.ver + 1 });
          emitMember(c, a);
        }
        break;
      case 'member':
        if (member !== undefined) {
          s.members.set(k(c, a), { ...member, pinned: cmd.n % 2 === 0, muted: cmd.n % 3 === 0, hidden: cmd.n % 5 === 0, ver: member.ver + 1 });
          emitMember(c, a);
        }
        break;
      case 'channelInfo':
        if (channel?.type === 2 && channel.dissolvedAt === null) {
          const dissolve = cmd.n % 4 === 0;
          s.channels.set(c, { ...channel, name: `g${c}-${cmd.n}`, avatar: `ca${cmd.n}`, ver: channel.ver + 1, dissolvedAt: dissolve ? ts(clock) : null });
          emitChannel(c);
        }
        break;
      case 'send':
        if (member !== undefined && member.leftAt === null && channel?.dissolvedAt === null) {
          const seq = maxSeq(c) + 1n;
          s.messages.set(k(c, seq), { id: c * 1000n + seq, channelId: c, seq, senderId: a, content: `m${seq}`, createdAt: ts(clock), recalledAt: null });
          emitMessage(c, seq);
        }
        break;
      case 'recall': {
        const seq = BigInt(1 + (cmd.n % Math.max(1, Number(maxSeq(c)))));
        const m = s.messages.get(k(c, seq));
        if (m !== undefined && m.recalledAt === null && m.senderId === a) {
          s.messages.set(k(c, seq), { ...m, recalledAt: ts(clock) });
          emitMessage(c, seq);
        }
        break;
      }
      case 'read': {
        const r = s.reads.get(k(a, c));
        const to = BigInt(cmd.n) < maxSeq(c) ? BigInt(cmd.n) : maxSeq(c);
        if (member !== undefined && r !== undefined && to > r.seq) {
          s.reads.set(k(a, c), { ...r, seq: to });
          emitRead(a, c);
        }
        break;
      }
      case 'friend':
        if (a !== b && s.users.has(a) && s.users.has(b) && !s.friendships.has(k(a, b))) {
          s.friendships.set(k(a, b), { userId: a, friendId: b, remark: '', ver: 1, createdAt: ts(clock) });
          s.friendships.set(k(b, a), { userId: b, friendId: a, remark: '', ver: 1, createdAt: ts(clock) });
          emitFriendship(a, b);
          emitFriendship(b, a);
        }
        break;
      case 'remark': {
        const f = s.friendships.get(k(a, b));
        if (f !== undefined) {
          s.friendships.set(k(a, b), { ...f, remark: cmd.n % 3 === 0 ? '' : `r${cmd.n}`, ver: f.ver + 1 });
          emitFriendship(a, b);
        }
        break;
      }
      case 'unfriend':
        if (s.friendships.has(k(a, b))) {
          s.friendships.delete(k(a, b));
          s.friendships.delete(k(b, a));
          emitFriendship(a, b);
          emitFriendship(b, a);
        }
        break;
    }
  }
  return { source: s, emitted };
}

// ---- The contract's definition, straight from the final source rows.

function expectedViews(s: Source) {
  const conversations = new Map<string, unknown>();
  for (const m of s.members.values()) {
    const c = s.channels.get(m.channelId)!;
    const direct = c.type === 1;
    const peer = direct ? [...s.members.values()].find((o) => o.channelId === m.channelId && o.userId !== m.userId) : undefined;
    const peerUser = peer === undefined ? undefined : s.users.get(peer.userId);
    const remark = direct && peer !== undefined ? (s.friendships.get(k(m.userId, peer.userId))?.remark ?? '') : '';
    const msgs = [...s.messages.values()].filter((x) => x.channelId === m.channelId);
    const last = msgs.reduce<(typeof msgs)[number] | undefined>((best, x) => (best === undefined || x.seq > best.seq ? x : best), undefined);
    const readSeq = s.reads.get(k(m.userId, m.channelId))?.seq ?? 0n;
    conversations.set(k(m.userId, m.channelId), {
      type: c.type,
      peer: peer?.userId ?? null,
      peerNickname: peerUser?.nickname ?? '',
      peerAvatar: direct ? (peerUser?.avatar ?? '') : '',
      remark,
      name: direct ? (remark !== '' ? remark : (peerUser?.nickname ?? '')) : c.name,
      avatar: direct ? (peerUser?.avatar ?? '') : c.avatar,
      lastId: last?.id ?? null,
      lastSeq: last?.seq ?? 0n,
      lastContent: last === undefined || last.recalledAt !== null ? '' : last.content,
      lastSender: last?.senderId ?? null,
      lastSenderName: last === undefined ? '' : (s.users.get(last.senderId)?.nickname ?? ''),
      lastTime: last?.createdAt ?? null,
      unread: msgs.filter((x) => x.seq > readSeq && x.senderId !== m.userId && x.recalledAt === null).length,
      flags: [m.pinned, m.muted, m.hidden],
      closedAt: m.leftAt ?? c.dissolvedAt,
    });
  }
  const contacts = new Map<string, unknown>();
  for (const f of s.friendships.values()) {
    const directIds = [...s.channels.entries()]
      .filter(([id, c]) => {
        if (c.type !== 1) return false;
        const ids = [...s.members.values()].filter((m) => m.channelId === id).map((m) => m.userId);
        return ids.length === 2 && ids.includes(f.userId) && ids.includes(f.friendId);
      })
      .map(([id]) => id)
      .sort((x, y) => (x < y ? -1 : 1));
    const nickname = s.users.get(f.friendId)?.nickname ?? '';
    contacts.set(k(f.userId, f.friendId), {
      remark: f.remark, nickname, avatar: s.users.get(f.friendId)?.avatar ?? '',
      display: f.remark !== '' ? f.remark : nickname, direct: directIds[0] ?? null, since: f.createdAt,
    });
  }
  return { conversations, contacts };
}

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
  for (const u of ch.users) put(refs.users, u.id, u, isNewer);
  for (const c of ch.channels) put(refs.channels, c.id, c, isNewer);
  for (const m of ch.members) put(refs.members, k(m.channelId, m.userId), m, isNewer);
  for (const m of ch.messages) {
    // As the store does: a message new to ref_messages at or below the channel's last seq came late.
    const lastSeq = refs.last.get(m.channelId)?.seq;
    if (!refs.messages.has(k(m.channelId, m.seq)) && lastSeq !== undefined && m.seq <= lastSeq) refs.recount.add(m.channelId);
    put(refs.messages, k(m.channelId, m.seq), m, (a, b) => b === undefined || (a.recalled && !b.recalled));
  }
  for (const m of ch.lastMessages) put(refs.last, m.channelId, m, lastMessageIsNewer);
  for (const r of ch.readRecords) put(refs.reads, k(r.userId, r.channelId), r, isNewer);
  for (const f of ch.friendships) put(refs.friendships, k(f.userId, f.friendId), f, friendshipIsNewer);
  for (const mark of ch.marks) if (mark.kind === 'recount') refs.recount.add(mark.channelId);
}

/** A builder pass over every row, counting unread on from the stored row as the store does. */
function buildAll(refs: Refs): void {
  for (const member of refs.members.values()) {
    const channel = refs.channels.get(member.channelId);
    if (channel === undefined) continue;
    const key = k(member.userId, member.channelId);
    const peer = channel.channelType === 1 ? [...refs.members.values()].find((m) => m.channelId === member.channelId && m.userId !== member.userId) : undefined;
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
        member, channel, peer,
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

/**
 * Splits the events into partitions (several keys share one, order kept per partition) and
 * delivers them in random batches. A partition may rewind and repeat events, during the run
 * (crash before commit, rebalance) and after it (a replay from an earlier offset over live views).
 */
function deliver(emitted: readonly Emitted[], rand: () => number, onBatch: (events: ChangeEvent[]) => void): void {
  const partitionOf = (stream: string) => {
    const [topic = '', key = ''] = stream.split('/');
    let hash = 0;
    for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return `${topic}/${hash % 2}`;
  };
  const partitions = new Map<string, ChangeEvent[]>();
  for (const e of emitted) {
    const p = partitionOf(e.stream);
    partitions.set(p, [...(partitions.get(p) ?? []), e.event]);
  }
  // A snapshot reads a table in heap order, not seq order: sometimes a messages partition is
  // delivered shuffled.
  for (const [p, events] of partitions) {
    if (!p.startsWith('messages/') || rand() >= 0.3) continue;
    for (let i = events.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rand() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
  }
  const cursors = new Map<string, number>([...partitions.keys()].map((p) => [p, 0]));
  for (;;) {
    const open = [...partitions.keys()].filter((p) => cursors.get(p)! < partitions.get(p)!.length);
    if (open.length === 0) break;
    const partition = open[Math.floor(rand() * open.length)]!;
    const events = partitions.get(partition)!;
    let at = cursors.get(partition)!;
    if (at > 0 && rand() < 0.15) at = Math.floor(rand() * at);
    const size = 1 + Math.floor(rand() * 4);
    onBatch(events.slice(at, at + size));
    cursors.set(partition, Math.max(cursors.get(partition)!, at + size));
  }
  for (const events of partitions.values()) {
    if (rand() < 0.5) continue;
    for (let at = Math.floor(rand() * events.length); at < events.length; at += 3) onBatch(events.slice(at, at + 3));
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const projected = (v: ConversationRow) => ({
  type: v.conversationType, peer: v.peerUserId, peerNickname: v.peerNickname, peerAvatar: v.peerAvatar, remark: v.remarkName,
  name: v.conversationName, avatar: v.conversationAvatar, lastId: v.lastMessageId, lastSeq: v.lastMessageSeq,
  lastContent: v.lastMessageContent, lastSender: v.lastMessageSenderId, lastSenderName: v.lastMessageSenderName,
  lastTime: v.lastMessageTime, unread: v.unreadCount, flags: [v.isPinned, v.isMuted, v.isHidden], closedAt: v.closedAt,
});
const projectedContact = (c: ContactRow) => ({
  remark: c.remarkName, nickname: c.nickname, avatar: c.avatar, display: c.displayName, direct: c.directChannelId, since: c.friendsSince,
});

const stats = { events: 0, rows: 0 };

describe('projection convergence (property)', () => {
  afterAll(() => {
    // Guards against a generator that drifts into trivial histories.
    expect(stats.events / 300).toBeGreaterThan(30);
    expect(stats.rows / 300).toBeGreaterThan(3);
  });

  it('ends in the contract views for any delivery order, duplication and build timing', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 20, maxLength: 200, size: 'max' }), fc.integer(), (commands, seed) => {
        const { source, emitted } = runHistory(commands);
        const rand = mulberry32(seed);
        const refs: Refs = {
          users: new Map(), channels: new Map(), members: new Map(), messages: new Map(), last: new Map(),
          reads: new Map(), friendships: new Map(), recount: new Set(), views: new Map(),
        };
        deliver(emitted, rand, (batch) => {
          applyBatchToRefs(refs, batch);
          if (rand() < 0.3) buildAll(refs);
        });
        buildAll(refs);
        stats.events += emitted.length;
        stats.rows += refs.views.size;

        const expected = expectedViews(source);
        const actualConversations = new Map([...refs.views].map(([key, v]) => [key, projected(v)]));
        expect(actualConversations).toEqual(expected.conversations);
        const actualContacts = new Map([...contactsOf(refs)].map(([key, c]) => [key, projectedContact(c)]));
        expect(actualContacts).toEqual(expected.contacts);
      }),
      { numRuns: 300 },
    );
  });
});
