/**
 * A view key whose rows must be recomputed. A batch records marks next to its ref_ changes;
 * the view builder expands and clears them.
 */
export type DirtyMark =
  /** One conversation row (user_id, channel_id); for a direct channel the builder adds the peer's row. */
  | { readonly kind: 'conversation'; readonly userId: bigint; readonly channelId: bigint }
  /** Every member's row of a channel (its info or its messages changed). */
  | { readonly kind: 'channel'; readonly channelId: bigint }
  /** Every member's row of a channel, unread counts counted afresh (a message was recalled). */
  | { readonly kind: 'recount'; readonly channelId: bigint }
  /** Every row that shows this user's profile: as peer, as last sender, as contact. */
  | { readonly kind: 'user'; readonly userId: bigint }
  /** One contact row (user_id, contact_user_id) and the remark on their direct conversations. */
  | { readonly kind: 'contact'; readonly userId: bigint; readonly contactUserId: bigint }
  /** One conversation row, its unread count counted afresh (a recount as the previous release expanded it). */
  | { readonly kind: 'unreadRecount'; readonly userId: bigint; readonly channelId: bigint }
  /** The rows of a channel's members whose shard is `shard` (a 'channel' mark, expanded). */
  | { readonly kind: 'channelInShard'; readonly channelId: bigint; readonly shard: number }
  /** The same rows, unread counts counted afresh (a 'recount' mark, expanded). */
  | { readonly kind: 'recountInShard'; readonly channelId: bigint; readonly shard: number };

/** Marks built by one shard (builderShard.ts): rows of one owner, or of a channel's members in the shard. */
export type ShardMark = Extract<DirtyMark, { kind: 'conversation' | 'contact' | 'unreadRecount' | 'channelInShard' | 'recountInShard' }>;

/** Marks that name rows of any shard: expanded into shard marks before they are built. */
export type FanOutMark = Exclude<DirtyMark, ShardMark>;

export function isShardMark(mark: DirtyMark): mark is ShardMark {
  switch (mark.kind) {
    case 'channel':
    case 'recount':
    case 'user':
      return false;
    case 'conversation':
    case 'contact':
    case 'unreadRecount':
    case 'channelInShard':
    case 'recountInShard':
      return true;
    default: {
      const unreachable: never = mark;
      throw new Error(`unknown mark ${JSON.stringify(unreachable)}`);
    }
  }
}

// Migration 0004 routes kinds 1, 4 and 6 to their owner's shard and kinds 7 and 8 to the shard
// they name (b): keep the codes in step with it.
export const MARK_KIND_CODES = {
  conversation: 1,
  channel: 2,
  user: 3,
  contact: 4,
  recount: 5,
  unreadRecount: 6,
  channelInShard: 7,
  recountInShard: 8,
} as const;

/** The (kind, a, b) key of a mark as stored in projection_dirty. */
export function markKey(mark: DirtyMark): readonly [number, bigint, bigint] {
  switch (mark.kind) {
    case 'conversation':
      return [MARK_KIND_CODES.conversation, mark.userId, mark.channelId];
    case 'channel':
      return [MARK_KIND_CODES.channel, mark.channelId, 0n];
    case 'recount':
      return [MARK_KIND_CODES.recount, mark.channelId, 0n];
    case 'user':
      return [MARK_KIND_CODES.user, mark.userId, 0n];
    case 'contact':
      return [MARK_KIND_CODES.contact, mark.userId, mark.contactUserId];
    case 'unreadRecount':
      return [MARK_KIND_CODES.unreadRecount, mark.userId, mark.channelId];
    case 'channelInShard':
      return [MARK_KIND_CODES.channelInShard, mark.channelId, BigInt(mark.shard)];
    case 'recountInShard':
      return [MARK_KIND_CODES.recountInShard, mark.channelId, BigInt(mark.shard)];
    default: {
      const unreachable: never = mark;
      throw new Error(`unknown mark ${JSON.stringify(unreachable)}`);
    }
  }
}

export function markFromKey(kind: number, a: bigint, b: bigint): DirtyMark {
  switch (kind) {
    case MARK_KIND_CODES.conversation:
      return { kind: 'conversation', userId: a, channelId: b };
    case MARK_KIND_CODES.channel:
      return { kind: 'channel', channelId: a };
    case MARK_KIND_CODES.recount:
      return { kind: 'recount', channelId: a };
    case MARK_KIND_CODES.user:
      return { kind: 'user', userId: a };
    case MARK_KIND_CODES.contact:
      return { kind: 'contact', userId: a, contactUserId: b };
    case MARK_KIND_CODES.unreadRecount:
      return { kind: 'unreadRecount', userId: a, channelId: b };
    case MARK_KIND_CODES.channelInShard:
      return { kind: 'channelInShard', channelId: a, shard: Number(b) };
    case MARK_KIND_CODES.recountInShard:
      return { kind: 'recountInShard', channelId: a, shard: Number(b) };
    default:
      throw new Error(`unknown mark kind ${kind}`);
  }
}
