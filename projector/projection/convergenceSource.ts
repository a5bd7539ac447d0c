import type { ChangeEvent, SourceText } from '../decode/changeEvent';

/**
 * Test support for the convergence property: the write side, a tiny source database that keeps
 * the contract's rules and emits the change events its writes make (convergenceHistory.ts runs
 * the writer's commands against it).
 */

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

/**
 * An empty source database and its writes: each emit* sends a row's current state as a change
 * event, with the texts an UPDATE left as they were sent unavailable when `unchangedTextUnavailable`.
 */
export function createSourceDatabase({ unchangedTextUnavailable = false } = {}) {
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
  return { source: s, emitted, emitUser, emitChannel, emitMember, emitMessage, emitRead, emitFriendship, maxSeq, join };
}
