import { isInt64Id } from '../ids/int64Id';
import { isIsoUtcMicros } from './utcTimestamp';

/**
 * Keyset page cursors: the sort key of the last row a page showed, so the next page starts
 * strictly after it whatever rows were added or removed meanwhile. Opaque to clients (base64url
 * of a small JSON array tagged with its kind and version), but not secret and not signed: every
 * query is confined to the token's user, so a forged cursor can only start that user's own
 * list somewhere else.
 */

/** Where a conversation list page ends, in the contract's order (pinned, time desc nulls last, channel desc). */
export interface ConversationPosition {
  readonly isPinned: boolean;
  /** ISO-8601 UTC with microseconds, or null for a conversation without messages. */
  readonly lastMessageTime: string | null;
  readonly channelId: string;
}

/** Where a contact page ends, in (display_name, contact_user_id) order. */
export interface ContactPosition {
  readonly displayName: string;
  readonly contactUserId: string;
}

/**
 * Room for a contact cursor holding a 1,000-character display name of 4-byte characters (names
 * the write API accepts are at most 64), and still well inside Node's 16 KiB request head.
 */
export const MAX_CURSOR_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const CONVERSATION_TAG = 'c1';
const CONTACT_TAG = 'k1';

const encode = (fields: readonly unknown[]): string => Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');

/** The cursor's fields after its tag, or undefined when it is not a cursor of that kind. */
function decode(cursor: string, tag: string, fieldCount: number): readonly unknown[] | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== fieldCount + 1 || fields[0] !== tag) return undefined;
  return fields.slice(1);
}

export function encodeConversationCursor(position: ConversationPosition): string {
  return encode([CONVERSATION_TAG, position.isPinned ? 1 : 0, position.lastMessageTime, position.channelId]);
}

export function decodeConversationCursor(cursor: string): ConversationPosition | undefined {
  const fields = decode(cursor, CONVERSATION_TAG, 3);
  if (fields === undefined) return undefined;
  const [pinned, time, channelId] = fields;
  if (pinned !== 0 && pinned !== 1) return undefined;
  if (time !== null && (typeof time !== 'string' || !isIsoUtcMicros(time))) return undefined;
  if (typeof channelId !== 'string' || !isInt64Id(channelId)) return undefined;
  return { isPinned: pinned === 1, lastMessageTime: time, channelId };
}

export function encodeContactCursor(position: ContactPosition): string {
  return encode([CONTACT_TAG, position.displayName, position.contactUserId]);
}

export function decodeContactCursor(cursor: string): ContactPosition | undefined {
  const fields = decode(cursor, CONTACT_TAG, 2);
  if (fields === undefined) return undefined;
  const [displayName, contactUserId] = fields;
  // PostgreSQL text cannot hold NUL: such a name was never shown, so the cursor is forged.
  if (typeof displayName !== 'string' || displayName.includes('\u0000')) return undefined;
  if (typeof contactUserId !== 'string' || !isInt64Id(contactUserId)) return undefined;
  return { displayName, contactUserId };
}
