import type { RecordPosition } from './decodeError';

/**
 * Typed, readonly change events decoded from Debezium records. Everything past the decoder
 * works with these; a record that does not fit never reaches projection code.
 */

export type Op = 'c' | 'u' | 'd' | 'r';

export interface Source {
  readonly table: ProjectedTable;
  /** LSN of the change record; for one row it grows in commit order, so it orders deletes. */
  readonly lsn: bigint;
  readonly txId: bigint | null;
  /** Commit time at the source, for time lag. */
  readonly tsMs: number;
  readonly snapshot: boolean;
}

/**
 * A text column the event does not carry: Debezium sent its placeholder because an UPDATE left an
 * out-of-line (TOASTed) value unchanged and the table's replica identity did not log the old row.
 * It names the column and the record, so whoever cannot fill it in can say what is missing where.
 */
export interface UnavailableText {
  readonly kind: 'unavailable';
  readonly table: ProjectedTable;
  readonly column: string;
  readonly position: RecordPosition;
}

/** A text column's value as an event carries it: the value, or unavailable (see UnavailableText). */
export type SourceText = string | UnavailableText;

export interface UserRow {
  readonly id: bigint;
  readonly nickname: SourceText;
  readonly avatar: SourceText;
  readonly profileVer: number;
}

export interface ChannelRow {
  readonly id: bigint;
  readonly channelType: 1 | 2;
  readonly channelName: SourceText;
  readonly channelAvatar: SourceText;
  readonly channelInfoVer: number;
  readonly dissolvedAt: string | null;
}

export interface MemberRow {
  readonly channelId: bigint;
  readonly userId: bigint;
  readonly role: number;
  readonly leftAt: string | null;
  readonly isPinned: boolean;
  readonly isMuted: boolean;
  readonly isHidden: boolean;
  readonly memberVer: number;
}

export interface MessageRow {
  readonly id: bigint;
  readonly channelId: bigint;
  readonly seq: bigint;
  readonly senderId: bigint;
  readonly msgType: number;
  readonly content: SourceText;
  readonly createdAt: string;
  readonly recalledAt: string | null;
}

export interface ReadRecordRow {
  readonly userId: bigint;
  readonly channelId: bigint;
  readonly lastReadSeq: bigint;
}

export interface FriendshipRow {
  readonly userId: bigint;
  readonly friendId: bigint;
  readonly remarkName: SourceText;
  readonly friendVer: number;
  readonly createdAt: string;
}

export interface FriendshipKey {
  readonly userId: bigint;
  readonly friendId: bigint;
}

/** Upserts carry the row after the change; only friendships are ever deleted (unfriend). */
export type ChangeEvent =
  | { readonly table: 'users'; readonly op: Exclude<Op, 'd'>; readonly row: UserRow; readonly source: Source }
  | { readonly table: 'channels'; readonly op: Exclude<Op, 'd'>; readonly row: ChannelRow; readonly source: Source }
  | { readonly table: 'channel_members'; readonly op: Exclude<Op, 'd'>; readonly row: MemberRow; readonly source: Source }
  | { readonly table: 'messages'; readonly op: Exclude<Op, 'd'>; readonly row: MessageRow; readonly source: Source }
  | { readonly table: 'channel_read_records'; readonly op: Exclude<Op, 'd'>; readonly row: ReadRecordRow; readonly source: Source }
  | { readonly table: 'friendships'; readonly op: Exclude<Op, 'd'>; readonly row: FriendshipRow; readonly source: Source }
  | { readonly table: 'friendships'; readonly op: 'd'; readonly key: FriendshipKey; readonly source: Source };

export type ProjectedTable = ChangeEvent['table'];

export const PROJECTED_TABLES: readonly ProjectedTable[] = [
  'users',
  'channels',
  'channel_members',
  'messages',
  'channel_read_records',
  'friendships',
];

/** What a Kafka record turned out to be. */
export type DecodedRecord =
  | { readonly kind: 'change'; readonly event: ChangeEvent }
  /** Deliberately not projected: tombstones, tables the views do not read. */
  | { readonly kind: 'skip'; readonly reason: string };
