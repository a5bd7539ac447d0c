import { SQL_TYPES, type ViewColumn } from '../views/viewColumn';
import { fieldsOf, keyFields, valueFields, type Field, type ViewShape } from '../views/viewDefinition';

/**
 * The multi-row statements the view writer runs, derived from a view's definition. Rows travel
 * as one array per column into `unnest`, so a statement's size does not depend on the row count.
 */

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

type Row = Readonly<Record<string, unknown>>;

/** node-postgres sends parameters as text; int64 travels as a decimal string, never a lossy number. */
function parameter(column: ViewColumn, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new Error(`column ${column.name} is not nullable`);
    return null;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

function columnArrays(fields: readonly Field[], rows: readonly Row[]): unknown[] {
  return fields.map(({ field, column }) => rows.map((row) => parameter(column, row[field])));
}

const unnestOf = (fields: readonly Field[]) => fields.map(({ column }, i) => `$${i + 1}::${SQL_TYPES[column.kind]}[]`).join(', ');
const names = (fields: readonly Field[], prefix = '') => fields.map(({ column }) => `${prefix}${column.name}`).join(', ');

/**
 * Insert or update whole rows by key. An update that would change nothing is skipped (the
 * IS DISTINCT FROM guard), so replaying what is already there writes nothing; rowCount counts
 * the rows really written. A table without value columns (a reverse index) only inserts.
 */
export function upsertRowsStatement(view: ViewShape, rows: readonly Row[]): Statement {
  const all = fieldsOf(view);
  const values = valueFields(view);
  const insert = `insert into ${view.table} as v (${names(all)}) select * from unnest(${unnestOf(all)}) on conflict (${names(keyFields(view))})`;
  if (values.length === 0) return { text: `${insert} do nothing`, values: columnArrays(all, rows) };
  const set = values.map(({ column }) => `${column.name} = excluded.${column.name}`);
  if (view.touchedAt !== undefined) set.push(`${view.touchedAt} = now()`);
  return {
    text: `${insert} do update set ${set.join(', ')} ` + `where (${names(values, 'v.')}) is distinct from (${names(values, 'excluded.')})`,
    values: columnArrays(all, rows),
  };
}

/** Delete rows by key; `keys` carry the key fields (other fields are ignored). */
export function deleteRowsStatement(view: ViewShape, keys: readonly Row[]): Statement {
  const key = keyFields(view);
  const match = key.map(({ column }) => `v.${column.name} = k.${column.name}`).join(' and ');
  return {
    text: `delete from ${view.table} v using unnest(${unnestOf(key)}) k(${names(key)}) where ${match}`,
    values: columnArrays(key, keys),
  };
}
