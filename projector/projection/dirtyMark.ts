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
  /** One conversation row, its unread count counted afresh (a recount, expanded to one member). */
  | { readonly kind: 'unreadRecount'; readonly userId: bigint; readonly channelId: bigint };

/** Marks of one owner's rows: built by the owner's shard (builderShard.ts). */
export type OwnerMark = Extract<DirtyMark, { kind: 'conversation' | 'contact' | 'unreadRecount' }>;

/** Marks that name many owners' rows: expanded into owner marks before they are built. */
export type FanOutMark = Exclude<DirtyMark, OwnerMark>;

export function isOwnerMark(mark: DirtyMark): mark is OwnerMark {
  return mark.kind === 'conversation' || mark.kind === 'contact' || mark.kind === 'unreadRecount';
}

// Migration 0003 routes kinds 1, 4 and 6 to their owner's shard: keep the codes in step with it.
export const MARK_KIND_CODES = { conversation: 1, channel: 2, user: 3, contact: 4, recount: 5, unreadRecount: 6 } as const;

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
    default:
      throw new Error(`unknown mark kind ${kind}`);
  }
}
