import type { ApiValue, ColumnKind, ProjectorValue, ViewColumn } from './viewColumn';

/** The four tables CONTRACT.md fixes on the read side. */
export type ContractTable = 'user_conversation_view' | 'user_contact_view' | 'conversation_reverse_index' | 'contact_reverse_index';

type Columns = Readonly<Record<string, ViewColumn>>;

/**
 * A read-side table declared once: its name, its columns in the table's order, its key and its
 * owner. The writer's upsert, the query API's reads and schema, and verify's column lists are
 * derived from it; the migration creates the table (a test checks they agree).
 */
export interface ViewShape {
  readonly table: ContractTable;
  /** Field name (camelCase, as the row types use it) to column, in the table's column order. */
  readonly columns: Columns;
  /** The primary key's fields, in key order: the order verify sorts and merges rows by. */
  readonly key: readonly string[];
  /** The field naming whose row it is (the partition key): verify `--users` filters on it. */
  readonly owner: string;
  /** A column the writer sets to now() whenever it changes the row; not part of any row type. */
  readonly touchedAt?: string;
}

/** A view as declared: its field names typed, so row types can be derived from it. */
export interface ViewDefinition<Cols extends Columns> extends ViewShape {
  readonly columns: Cols;
  readonly key: ReadonlyArray<keyof Cols & string>;
  readonly owner: keyof Cols & string;
}

export function defineView<const Cols extends Columns>(view: ViewDefinition<Cols>): ViewDefinition<Cols> {
  for (const field of [...view.key, view.owner]) {
    if (!(field in view.columns)) throw new Error(`${view.table}: key or owner field ${field} is not a column`);
  }
  return Object.freeze(view);
}

type ColumnsOf<V extends ViewShape> = V['columns'];

/** A row as the projector builds and writes it: every column, int64 as bigint. */
export type RowOf<V extends ViewShape> = { readonly [F in keyof ColumnsOf<V>]: ProjectorValue<ColumnsOf<V>[F]> };

/** A row as the query API returns it: the contract's columns only, int64 as decimal strings. */
export type ApiRowOf<V extends ViewShape> = {
  readonly [F in keyof ColumnsOf<V> as ColumnsOf<V>[F] extends ViewColumn<ColumnKind, boolean, true> ? F : never]: ApiValue<
    ColumnsOf<V>[F]
  >;
};

export interface Field {
  readonly field: string;
  readonly column: ViewColumn;
}

/** Every column with its field name, in the table's order. */
export function fieldsOf(view: ViewShape): readonly Field[] {
  return Object.entries(view.columns).map(([field, column]) => ({ field, column }));
}

/** The contract's columns, in the table's order. */
export function contractFields(view: ViewShape): readonly Field[] {
  return fieldsOf(view).filter((f) => f.column.contract);
}

export function keyFields(view: ViewShape): readonly Field[] {
  return view.key.map((field) => ({ field, column: columnOf(view, field) }));
}

/** Every column outside the key: what an upsert may change. */
export function valueFields(view: ViewShape): readonly Field[] {
  return fieldsOf(view).filter((f) => !view.key.includes(f.field));
}

export function columnOf(view: ViewShape, field: string): ViewColumn {
  const column = view.columns[field];
  if (column === undefined) throw new Error(`${view.table} has no field ${field}`);
  return column;
}

/** The contract's column names, comma-separated, for a select list. */
export function contractColumnList(view: ViewShape): string {
  return contractFields(view)
    .map((f) => f.column.name)
    .join(', ');
}
