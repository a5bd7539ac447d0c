import type { Op, ProjectedTable, SourceText } from './changeEvent';
import type { RecordPosition } from './decodeError';
import { text, type RawRow } from './rowFields';

/**
 * Debezium's `unavailable.value.placeholder` (its default, which connectors/im-write.json keeps).
 * It stands in for an out-of-line (TOASTed) text an UPDATE left unchanged, when the table's replica
 * identity does not log the old row. The write side sets FULL where that can happen
 * (connectors/README.md), so it should not arrive; if it does, it must still never reach a view.
 */
export const UNAVAILABLE_VALUE_PLACEHOLDER = '__debezium_unavailable_value';

export interface TextContext {
  readonly table: ProjectedTable;
  readonly op: Op;
  /** Whether the event carries the old row (`before`): the table's replica identity is FULL. */
  readonly hasBefore: boolean;
  readonly position: RecordPosition;
}

/**
 * Reads a text column of a row an event carries. Only an update without the old row can carry
 * the placeholder: inserts and snapshot reads carry whole rows, and with REPLICA IDENTITY FULL
 * (an update with `before`) Debezium copies an unchanged out-of-line value from the old row into
 * `after`. There it decodes as unavailable; anywhere else the same characters are text a writer
 * stored (nothing stops a user from naming themselves that), and are kept as such.
 */
export function sourceText(row: RawRow, column: string, { table, op, hasBefore, position }: TextContext): SourceText {
  const value = text(row, column);
  if (op === 'u' && !hasBefore && value === UNAVAILABLE_VALUE_PLACEHOLDER) return { kind: 'unavailable', table, column, position };
  return value;
}
