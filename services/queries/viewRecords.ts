import { contractFields, type ApiRowOf, type ViewShape } from '../../projector/views/viewDefinition';
import { isoFromPgTimestamptz } from './utcTimestamp';

/** A view row as the query pool returns it: int8 and timestamptz as text, the rest parsed. */
export type ViewRecord = Readonly<Record<string, unknown>>;

/**
 * The API's form of a view row: the contract's columns under their field names, int64 as the
 * decimal text PostgreSQL sent (never a lossy number), times as ISO-8601 UTC with microseconds.
 */
export function apiRowOf<V extends ViewShape>(view: V, record: ViewRecord): ApiRowOf<V> {
  const row: Record<string, unknown> = {};
  for (const { field, column } of contractFields(view)) {
    const value = record[column.name];
    if (value === undefined) throw new Error(`${view.table} record lacks column ${column.name}`);
    row[field] = column.kind === 'time' && value !== null ? isoFromPgTimestamptz(value as string) : value;
  }
  return row as ApiRowOf<V>;
}
