import fc from 'fast-check';
import type { ChangeEvent, SourceText } from '../decode/changeEvent';

/**
 * Test support for the convergence property (CONTRACT.md: whatever order, duplication and
 * interleaving the change events arrive in, the views end equal to their definition over the
 * final source rows). Random write-side histories that keep the contract's writer rules, the
 * change events they emit, a delivery that reorders, repeats and batches them as Kafka may, and
 * the oracle: the contract's definition computed straight from the final source rows.
 *
 * Two tests run these histories: convergence.unit.test.ts through the projection's pure rules
 * over an in-memory copy of the ref_ tables, and store/convergence.sql.test.ts through the real
 * SQL (applyRefChanges, the view builder) against an in-process PostgreSQL.
 */

// ---- The write side: a tiny source database that keeps the contract's rules and emits events.

export interface Source {
  users: Map<bigint, { nickname: string; avatar: string; profileVer: number }>;
  channels: Map<bigint, { type: 1 | 2; name: string; avatar: string; ver: number; dissolvedAt: string | null }>;
  members: Map<
    string,
    { channelId: bigint; userId: bigint; leftAt: string | null; pinned: boolean; muted: boolean; hidden: boolean; ver: number }
  >;
  messages: Map<
    string,
    {
      id: bigint;
      channelId: bigint;
      seq: bigint;
      senderId: bigint;
      msgType: number;
      content: string;
      createdAt: string;
      recalledAt: string | null;
    }
  >;
  reads: Map<string, { userId: bigint; channelId: bigint; seq: bigint }>;
  friendships: Map<string, { userId: bigint; friendId: bigint; remark: string; ver: number; createdAt: string }>;
}

export interface Emitted {
  readonly event: ChangeEvent;
  /** The same change with every text: what a snapshot reads (it reads rows, not the WAL). */
  readonly whole: ChangeEvent;
  /** Topic and partition key: order is kept only among events with the same stream. */
  readonly stream: string;
}

export const k = (a: bigint, b: bigint) => `${a}:${b}`;
const ts = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
const USERS = 5;
const CHANNELS = 4;

const command = fc.record({
  kind: fc.constantFrom(
    'user',
    'rename',
    'direct',
    'group',
    'join',
    'leave',
    'member',
    'channelInfo',
    'send',
    'recall',
    'read',
    'friend',
    'remark',
    'unfriend',
  ),
  a: fc.integer({ min: 1, max: USERS }),
  b: fc.integer({ min: 1, max: USERS }),
  c: fc.integer({ min: 1, max: CHANNELS }),
  n: fc.integer({ min: 0, max: 30 }),
});
/** A history: the commands a writer runs, in commit order (most find nothing to act on). */
export const commandHistory = fc.array(command, { minLength: 20, maxLength: 200, size: 'max' });
export type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

export function runHistory(
  commands: readonly Command[],
  { unchangedTextUnavailable = false } = {},
): { source: Source; emitted: Emitted[] } {
  const s: Source = {
    users: new Map(),
    channels: new Map(),
    members: new Map(),
    messages: new Map(),
    reads: new Map(),
    friendships: new Map(),
  };
  const emitted: Emitted[] = [];
  let lsn = 100n;
  let clock = 0;
  const source = (table: ChangeEvent['table']) => ({ table, lsn: (lsn += 10n), txId: null, tsMs: 0, snapshot: false });
  // The text each row last reached Kafka with; the first event of a row (its INSERT) carries all.
  const sentTexts = new Map<string, string>();
  const carried = (table: ChangeEvent['table'], row: string, column: string, value: string): SourceText => {
    const key = `${table}/${row}.${column}`;
    const unchanged = sentTexts.get(key) === value;
    sentTexts.set(key, value);
    const position = { topic: `im.public.${table}`, partition: 0, offset: String(lsn) };
    return unchangedTextUnavailable && unchanged ? { kind: 'unavailable', table, column, position } : value;
  };
  const emitUser = (id: bigint) => {
    const u = s.users.get(id)!;
    const src = source('users');
    const event = (nickname: SourceText, avatar: SourceText): ChangeEvent => ({
      table: 'users',
      op: 'u',
      source: src,
      row: { id, nickname, avatar, profileVer: u.profileVer },
    });
    emitted.push({
      stream: `users/${id}`,
      event: event(carried('users', `${id}`, 'nickname', u.nickname), carried('users', `${id}`, 'avatar', u.avatar)),
      whole: event(u.nickname, u.avatar),
    });
  };
  const emitChannel = (id: bigint) => {
    const c = s.channels.get(id)!;
    const src = source('channels');
    const event = (channelName: SourceText, channelAvatar: SourceText): ChangeEvent => ({
      table: 'channels',
      op: 'u',
      source: src,
      row: { id, channelType: c.type, channelName, channelAvatar, channelInfoVer: c.ver, dissolvedAt: c.dissolvedAt },
    });
    emitted.push({
      stream: `channels/${id}`,
      event: event(carried('channels', `${id}`, 'channel_name', c.name), carried('channels', `${id}`, 'channel_avatar', c.avatar)),
      whole: event(c.name, c.avatar),
    });
  };
  const emitMember = (channelId: bigint, userId: bigint) => {
    const m = s.members.get(k(channelId, userId))!;
    const event: ChangeEvent = {
      table: 'channel_members',
      op: 'u',
      source: source('channel_members'),
      row: { channelId, userId, role: 0, leftAt: m.leftAt, isPinned: m.pinned, isMuted: m.muted, isHidden: m.hidden, memberVer: m.ver },
    };
    emitted.push({ stream: `members/${channelId}`, event, whole: event });
  };
  const emitMessage = (channelId: bigint, seq: bigint) => {
    const m = s.messages.get(k(channelId, seq))!;
    const src = source('messages');
    const event = (content: SourceText): ChangeEvent => ({ table: 'messages', op: 'u', source: src, row: { ...m, content } });
    emitted.push({
      stream: `messages/${channelId}`,
      event: event(carried('messages', `${m.id}`, 'content', m.content)),
      whole: event(m.content),
    });
  };
  const emitRead = (userId: bigint, channelId: bigint) => {
    const r = s.reads.get(k(userId, channelId))!;
    const event: ChangeEvent = {
      table: 'channel_read_records',
      op: 'u',
      source: source('channel_read_records'),
      row: { userId, channelId, lastReadSeq: r.seq },
    };
    emitted.push({ stream: `reads/${userId}`, event, whole: event });
  };
  const emitFriendship = (userId: bigint, friendId: bigint) => {
    const f = s.friendships.get(k(userId, friendId));
    const stream = `friendships/${userId}:${friendId}`;
    if (f === undefined) {
      // A new incarnation starts with an INSERT, which carries every text.
      sentTexts.delete(`friendships/${k(userId, friendId)}.remark_name`);
      const event: ChangeEvent = { table: 'friendships', op: 'd', source: source('friendships'), key: { userId, friendId } };
      emitted.push({ stream, event, whole: event });
    } else {
      const src = source('friendships');
      const event = (remarkName: SourceText): ChangeEvent => ({
        table: 'friendships',
        op: 'u',
        source: src,
        row: { userId, friendId, remarkName, friendVer: f.ver, createdAt: f.createdAt },
      });
      emitted.push({ stream, event: event(carried('friendships', k(userId, friendId), 'remark_name', f.remark)), whole: event(f.remark) });
    }
  };
  const maxSeq = (channelId: bigint) =>
    [...s.messages.values()].filter((m) => m.channelId === channelId).reduce((max, m) => (m.seq > max ? m.seq : max), 0n);
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
          s.members.set(k(c, a), {
            ...member,
            pinned: cmd.n % 2 === 0,
            muted: cmd.n % 3 === 0,
            hidden: cmd.n % 5 === 0,
            ver: member.ver + 1,
          });
          emitMember(c, a);
        }
        break;
      case 'channelInfo':
        if (channel?.type === 2 && channel.dissolvedAt === null) {
          const dissolve = cmd.n % 4 === 0;
          s.channels.set(c, {
            ...channel,
            name: `g${c}-${cmd.n}`,
            avatar: `ca${cmd.n}`,
            ver: channel.ver + 1,
            dissolvedAt: dissolve ? ts(clock) : null,
          });
          emitChannel(c);
        }
        break;
      case 'send':
        if (member !== undefined && member.leftAt === null && channel?.dissolvedAt === null) {
          const seq = maxSeq(c) + 1n;
          s.messages.set(k(c, seq), {
            id: c * 1000n + seq,
            channelId: c,
            seq,
            senderId: a,
            msgType: 1 + (cmd.n % 3),
            content: `m${seq}`,
            createdAt: ts(clock),
            recalledAt: null,
          });
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

/** A user_conversation_view row's contract columns other than its key (user_id, channel_id). */
export interface ExpectedConversation {
  readonly type: 1 | 2;
  readonly peer: bigint | null;
  readonly peerNickname: string;
  readonly peerAvatar: string;
  readonly remark: string;
  readonly name: string;
  readonly avatar: string;
  readonly lastId: bigint | null;
  readonly lastSeq: bigint;
  readonly lastType: number | null;
  readonly lastContent: string;
  readonly lastSender: bigint | null;
  readonly lastSenderName: string;
  readonly lastTime: string | null;
  readonly unread: number;
  readonly flags: readonly [pinned: boolean, muted: boolean, hidden: boolean];
  readonly closedAt: string | null;
}

/** A user_contact_view row's contract columns other than its key (user_id, contact_user_id). */
export interface ExpectedContact {
  readonly remark: string;
  readonly nickname: string;
  readonly avatar: string;
  readonly display: string;
  readonly direct: bigint | null;
  readonly since: string;
}

export interface ExpectedViews {
  /** By `${user_id}:${channel_id}`. */
  readonly conversations: Map<string, ExpectedConversation>;
  /** By `${user_id}:${contact_user_id}`. */
  readonly contacts: Map<string, ExpectedContact>;
}

export function expectedViews(s: Source): ExpectedViews {
  const conversations = new Map<string, ExpectedConversation>();
  for (const m of s.members.values()) {
    const c = s.channels.get(m.channelId)!;
    const direct = c.type === 1;
    const peer = direct ? [...s.members.values()].find((o) => o.channelId === m.channelId && o.userId !== m.userId) : undefined;
    const peerUser = peer === undefined ? undefined : s.users.get(peer.userId);
    const remark = direct && peer !== undefined ? (s.friendships.get(k(m.userId, peer.userId))?.remark ?? '') : '';
    const msgs = [...s.messages.values()].filter((x) => x.channelId === m.channelId);
    const last = msgs.reduce<(typeof msgs)[number] | undefined>(
      (best, x) => (best === undefined || x.seq > best.seq ? x : best),
      undefined,
    );
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
      lastType: last?.msgType ?? null,
      lastContent: last === undefined || last.recalledAt !== null ? '' : last.content,
      lastSender: last?.senderId ?? null,
      lastSenderName: last === undefined ? '' : (s.users.get(last.senderId)?.nickname ?? ''),
      lastTime: last?.createdAt ?? null,
      unread: msgs.filter((x) => x.seq > readSeq && x.senderId !== m.userId && x.recalledAt === null).length,
      flags: [m.pinned, m.muted, m.hidden],
      closedAt: m.leftAt ?? c.dissolvedAt,
    });
  }
  const contacts = new Map<string, ExpectedContact>();
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
      remark: f.remark,
      nickname,
      avatar: s.users.get(f.friendId)?.avatar ?? '',
      display: f.remark !== '' ? f.remark : nickname,
      direct: directIds[0] ?? null,
      since: f.createdAt,
    });
  }
  return { conversations, contacts };
}

/**
 * Splits the events into partitions (several keys share one, order kept per partition) and
 * delivers them in random batches. A partition may rewind and repeat events, during the run
 * (crash before commit, rebalance) and after it (a replay from an earlier offset over live views).
 */
export function deliver(emitted: readonly Emitted[], rand: () => number, onBatch: (events: ChangeEvent[]) => void): void {
  const partitionOf = (stream: string) => {
    const [topic = '', key = ''] = stream.split('/');
    let hash = 0;
    for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return `${topic}/${hash % 2}`;
  };
  const streamed = new Map<string, Emitted[]>();
  for (const e of emitted) {
    const p = partitionOf(e.stream);
    streamed.set(p, [...(streamed.get(p) ?? []), e]);
  }
  // A snapshot reads a table in heap order, not seq order: sometimes a messages partition is
  // delivered shuffled, as a snapshot delivers it, with whole rows.
  const partitions = new Map<string, ChangeEvent[]>();
  for (const [p, list] of streamed) {
    const snapshot = p.startsWith('messages/') && rand() < 0.3;
    const events = list.map((e) => (snapshot ? e.whole : e.event));
    partitions.set(p, events);
    if (!snapshot) continue;
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

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reverse indexes as the contract defines them from the views: `${peer}:${owner}:${channel}`
 * for every conversation row with a peer, `${contact}:${owner}` for every contact row; sorted.
 */
export function expectedReverseIndexes(views: ExpectedViews): { conversations: string[]; contacts: string[] } {
  const conversations = [...views.conversations].flatMap(([key, v]) => (v.peer === null ? [] : [`${v.peer}:${key}`]));
  const contacts = [...views.contacts.keys()].map((key) => key.split(':').reverse().join(':'));
  return { conversations: conversations.sort(), contacts: contacts.sort() };
}
