import { k, type Source } from './convergenceSource';

/**
 * Test support for the convergence property: the oracle. The contract's definition of the views
 * and the reverse indexes, computed straight from the final source rows.
 */

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
 * The reverse indexes as the contract defines them from the views: `${peer}:${owner}:${channel}`
 * for every conversation row with a peer, `${contact}:${owner}` for every contact row; sorted.
 */
export function expectedReverseIndexes(views: ExpectedViews): { conversations: string[]; contacts: string[] } {
  const conversations = [...views.conversations].flatMap(([key, v]) => (v.peer === null ? [] : [`${v.peer}:${key}`]));
  const contacts = [...views.contacts.keys()].map((key) => key.split(':').reverse().join(':'));
  return { conversations: conversations.sort(), contacts: contacts.sort() };
}
