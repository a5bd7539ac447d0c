import { PROJECTED_TABLES, type ChangeEvent, type DecodedRecord, type Op, type ProjectedTable, type Source } from './changeEvent';
import { DecodeError, type RecordPosition } from './decodeError';
import { int64Value, parseInt64Json } from './parseInt64Json';
import { bool, int32, int64, isRawRow, nullableTimestamp, timestamp, type RawRow } from './rowFields';
import { sourceText } from './sourceText';

export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

const PROJECTED = new Set<string>(PROJECTED_TABLES);

/** What a record without a value decodes to, in every format. */
export const TOMBSTONE: DecodedRecord = { kind: 'skip', reason: 'tombstone' };

/**
 * Decodes one Debezium record (JsonConverter, no embedded schema) into a typed change event.
 * Throws DecodeError, naming the record's position, for anything that cannot be applied.
 */
export function decodeChangeRecord(position: RecordPosition, record: RawRecord): DecodedRecord {
  // tombstones.on.delete=false means the connector writes none; one produced by anyone else
  // carries no row, so there is nothing to apply.
  if (record.value === null || record.value.length === 0) return TOMBSTONE;

  let envelope: unknown;
  try {
    envelope = parseInt64Json(record.value.toString('utf8'));
  } catch (error) {
    throw new DecodeError(`value is not JSON: ${(error as Error).message}`, position);
  }
  if (!isRawRow(envelope)) throw new DecodeError('value is not a JSON object', position);
  // A record produced with embedded schemas wraps the envelope in {schema, payload}.
  return decodeEnvelope(position, isRawRow(envelope.payload) && 'schema' in envelope ? envelope.payload : envelope);
}

/**
 * Decodes a Debezium change envelope ({before, after, source, op}), however it was read (JSON,
 * Avro), into a typed change event. Integers come as numbers, bigints or int64Value's marked
 * strings; timestamps as Debezium's ISO strings in both formats.
 */
export function decodeEnvelope(position: RecordPosition, body: RawRow): DecodedRecord {
  const source = body.source;
  if (!isRawRow(source)) throw new DecodeError('no source block: not a Debezium change event', position);
  const table = source.table;
  if (typeof table !== 'string') throw new DecodeError('source.table missing', position);
  if (!PROJECTED.has(table)) return { kind: 'skip', reason: `table ${table} is not projected` };

  const op = body.op;
  if (op === 't') throw new DecodeError(`truncate of ${table} is not supported: rebuild the views`, position);
  if (op !== 'c' && op !== 'u' && op !== 'd' && op !== 'r') throw new DecodeError(`unknown op ${String(op)}`, position);

  try {
    return { kind: 'change', event: toEvent(table as ProjectedTable, op, body, decodeSource(table as ProjectedTable, source), position) };
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`${table} ${op}: ${(error as Error).message}`, position);
  }
}

function decodeSource(table: ProjectedTable, source: RawRow): Source {
  return {
    table,
    lsn: sourceLsn(source),
    txId: int64Value(source.txId) ?? null,
    tsMs: Number(int64(source, 'ts_ms')),
    snapshot: source.snapshot !== undefined && source.snapshot !== null && source.snapshot !== false && source.snapshot !== 'false',
  };
}

/**
 * The WAL position a change is ordered by. A streamed change and a blocking snapshot's read carry
 * it as `lsn`. An incremental snapshot's read has `lsn: null`; its `sequence` is
 * [last commit LSN, current LSN], taken when the stream reached the chunk's close-window signal.
 * The current LSN (the close signal's INSERT) is above every change the read reflects: those
 * committed before the chunk was read, and a change streamed between the open and close signals
 * removes the read. The last-commit entry may lie beyond it and is not used. A change still
 * uncommitted at the close can have a lower LSN yet commit later; see applyRefChanges for the
 * table whose guard is by LSN alone.
 */
function sourceLsn(source: RawRow): bigint {
  if (source.lsn !== null && source.lsn !== undefined) return int64(source, 'lsn');
  const current = typeof source.sequence === 'string' ? currentOfSequence(source.sequence) : null;
  if (current === null) throw new Error('source.lsn is null and source.sequence gives no current position');
  return current;
}

function currentOfSequence(text: string): bigint | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const current: unknown = Array.isArray(parsed) ? parsed[1] : undefined;
  return typeof current === 'string' && /^\d{1,19}$/.test(current) ? BigInt(current) : null;
}

function rowOf(body: RawRow, side: 'before' | 'after'): RawRow {
  const row = body[side];
  if (!isRawRow(row)) throw new Error(`${side} is missing`);
  return row;
}

function toEvent(table: ProjectedTable, op: Op, body: RawRow, source: Source, position: RecordPosition): ChangeEvent {
  if (op === 'd') {
    if (table !== 'friendships') throw new Error(`delete of ${table}: the contract never deletes these rows`);
    const before = rowOf(body, 'before');
    return { table, op, key: { userId: int64(before, 'user_id'), friendId: int64(before, 'friend_id') }, source };
  }
  const r = rowOf(body, 'after');
  const hasBefore = isRawRow(body.before);
  const longText = (column: string) => sourceText(r, column, { table, op, hasBefore, position });
  switch (table) {
    case 'users':
      return {
        table,
        op,
        source,
        row: { id: int64(r, 'id'), nickname: longText('nickname'), avatar: longText('avatar'), profileVer: int32(r, 'profile_ver') },
      };
    case 'channels': {
      const channelType = int32(r, 'channel_type');
      if (channelType !== 1 && channelType !== 2) throw new Error(`column channel_type: expected 1 or 2, got ${channelType}`);
      return {
        table,
        op,
        source,
        row: {
          id: int64(r, 'id'),
          channelType,
          channelName: longText('channel_name'),
          channelAvatar: longText('channel_avatar'),
          channelInfoVer: int32(r, 'channel_info_ver'),
          dissolvedAt: nullableTimestamp(r, 'dissolved_at'),
        },
      };
    }
    case 'channel_members':
      return {
        table,
        op,
        source,
        row: {
          channelId: int64(r, 'channel_id'),
          userId: int64(r, 'user_id'),
          role: int32(r, 'role'),
          leftAt: nullableTimestamp(r, 'left_at'),
          isPinned: bool(r, 'is_pinned'),
          isMuted: bool(r, 'is_muted'),
          isHidden: bool(r, 'is_hidden'),
          memberVer: int32(r, 'member_ver'),
        },
      };
    case 'messages':
      return {
        table,
        op,
        source,
        row: {
          id: int64(r, 'id'),
          channelId: int64(r, 'channel_id'),
          seq: int64(r, 'seq'),
          senderId: int64(r, 'sender_id'),
          msgType: int32(r, 'msg_type'),
          content: longText('content'),
          createdAt: timestamp(r, 'created_at'),
          recalledAt: nullableTimestamp(r, 'recalled_at'),
        },
      };
    case 'channel_read_records':
      return {
        table,
        op,
        source,
        row: { userId: int64(r, 'user_id'), channelId: int64(r, 'channel_id'), lastReadSeq: int64(r, 'last_read_seq') },
      };
    case 'friendships':
      return {
        table,
        op,
        source,
        row: {
          userId: int64(r, 'user_id'),
          friendId: int64(r, 'friend_id'),
          remarkName: longText('remark_name'),
          friendVer: int32(r, 'friend_ver'),
          createdAt: timestamp(r, 'created_at'),
        },
      };
    default: {
      const unreachable: never = table;
      throw new Error(`unhandled table ${String(unreachable)}`);
    }
  }
}
