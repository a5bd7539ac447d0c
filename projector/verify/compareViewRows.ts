import { PipelineError } from '../../infra/errors/pipelineError';
import { viewColumns, type ContractView, type ViewName } from './contractViews';
import { compareInt64Text, isInt64Text } from './int64Text';

/** A column's value as PostgreSQL prints it; compared exactly, as text. */
export type ColumnValue = string | null;
/** One row in the view's column order (key columns first), see viewColumns. */
export type ViewRow = readonly ColumnValue[];
/** Column name to value, in column order. */
export type NamedValues = Readonly<Record<string, ColumnValue>>;
export type RowKey = Readonly<Record<string, string>>;

export interface ColumnDifference {
  readonly column: string;
  readonly expected: ColumnValue;
  readonly actual: ColumnValue;
}

export type RowDifference =
  /** The contract defines the row; im_read does not have it. */
  | { readonly kind: 'missing'; readonly key: RowKey; readonly expected: NamedValues }
  /** im_read has a row the contract does not define. */
  | { readonly kind: 'unexpected'; readonly key: RowKey; readonly actual: NamedValues }
  /** Both have the row; these columns differ. */
  | { readonly kind: 'differing'; readonly key: RowKey; readonly columns: readonly ColumnDifference[] };

export interface ViewComparison {
  readonly view: ViewName;
  readonly expectedRows: number;
  readonly actualRows: number;
  readonly matching: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly differing: number;
  /** The first differences in key order, at most the maxDifferences asked for. */
  readonly differences: readonly RowDifference[];
}

/** Rows that break what the merge relies on: full width, int64 keys, strictly increasing keys. */
export class ViewRowsError extends PipelineError {
  constructor(
    readonly view: ViewName,
    readonly side: 'expected' | 'actual',
    detail: string,
  ) {
    super(`${side} rows of ${view}: ${detail}`, { retriable: false });
  }
}

export interface CompareViewRowsOptions {
  readonly view: ContractView;
  /** The contract's rows, sorted by key. */
  readonly expected: AsyncIterable<ViewRow>;
  /** im_read's rows, sorted by key. */
  readonly actual: AsyncIterable<ViewRow>;
  readonly maxDifferences?: number;
}

/**
 * Merge-compares two key-sorted row streams in one pass, holding one row of each at a time, so
 * a view of any size is compared in constant memory. Every difference is counted; only the
 * first maxDifferences are kept for the report.
 */
export async function compareViewRows({ view, expected, actual, maxDifferences = 20 }: CompareViewRowsOptions): Promise<ViewComparison> {
  const columns = viewColumns(view).map((column) => column.name);
  const keyWidth = view.key.length;
  const expectedRows = checkedRows(expected, view, 'expected');
  const actualRows = checkedRows(actual, view, 'actual');
  const counts = { expectedRows: 0, actualRows: 0, matching: 0, missing: 0, unexpected: 0, differing: 0 };
  const differences: RowDifference[] = [];
  const keep = (difference: RowDifference) => {
    if (differences.length < maxDifferences) differences.push(difference);
  };

  try {
    let e = await expectedRows.next();
    let a = await actualRows.next();
    while (!e.done || !a.done) {
      const order = e.done ? 1 : a.done ? -1 : compareKeys(e.value, a.value, keyWidth);
      if (order < 0 && !e.done) {
        counts.expectedRows += 1;
        counts.missing += 1;
        keep({ kind: 'missing', key: keyOf(e.value, columns, keyWidth), expected: named(e.value, columns) });
        e = await expectedRows.next();
      } else if (order > 0 && !a.done) {
        counts.actualRows += 1;
        counts.unexpected += 1;
        keep({ kind: 'unexpected', key: keyOf(a.value, columns, keyWidth), actual: named(a.value, columns) });
        a = await actualRows.next();
      } else if (!e.done && !a.done) {
        counts.expectedRows += 1;
        counts.actualRows += 1;
        const differing = columnDifferences(e.value, a.value, columns, keyWidth);
        if (differing.length === 0) {
          counts.matching += 1;
        } else {
          counts.differing += 1;
          keep({ kind: 'differing', key: keyOf(e.value, columns, keyWidth), columns: differing });
        }
        e = await expectedRows.next();
        a = await actualRows.next();
      }
    }
  } finally {
    // Lets a side that was not read to its end release what it holds (its cursor).
    await Promise.allSettled([expectedRows.return(undefined), actualRows.return(undefined)]);
  }
  return { view: view.name, ...counts, differences };
}

/** Passes rows through, failing loudly on anything that would make the merge report nonsense. */
async function* checkedRows(
  rows: AsyncIterable<ViewRow>,
  view: ContractView,
  side: 'expected' | 'actual',
): AsyncGenerator<ViewRow, void, undefined> {
  const width = view.key.length + view.values.length;
  let previous: ViewRow | undefined;
  for await (const row of rows) {
    if (row.length !== width) throw new ViewRowsError(view.name, side, `a row has ${row.length} columns, not ${width}`);
    view.key.forEach((column, index) => {
      const value = row[index];
      if (value === null || value === undefined || !isInt64Text(value)) {
        throw new ViewRowsError(view.name, side, `key column ${column.name} is ${String(value)}, not an int64`);
      }
    });
    if (previous !== undefined && compareKeys(previous, row, view.key.length) >= 0) {
      const key = JSON.stringify(row.slice(0, view.key.length));
      throw new ViewRowsError(view.name, side, `key ${key} does not follow the previous key in increasing order`);
    }
    previous = row;
    yield row;
  }
}

function compareKeys(a: ViewRow, b: ViewRow, keyWidth: number): number {
  for (let index = 0; index < keyWidth; index += 1) {
    // checkedRows has made sure every key value is int64 text.
    const order = compareInt64Text(a[index] as string, b[index] as string);
    if (order !== 0) return order;
  }
  return 0;
}

function columnDifferences(expected: ViewRow, actual: ViewRow, columns: readonly string[], keyWidth: number): ColumnDifference[] {
  const differing: ColumnDifference[] = [];
  for (let index = keyWidth; index < columns.length; index += 1) {
    const e = expected[index] ?? null;
    const a = actual[index] ?? null;
    if (e !== a) differing.push({ column: columns[index] as string, expected: e, actual: a });
  }
  return differing;
}

function keyOf(row: ViewRow, columns: readonly string[], keyWidth: number): RowKey {
  const key: Record<string, string> = {};
  for (let index = 0; index < keyWidth; index += 1) key[columns[index] as string] = row[index] as string;
  return key;
}

function named(row: ViewRow, columns: readonly string[]): NamedValues {
  const values: Record<string, ColumnValue> = {};
  columns.forEach((column, index) => {
    values[column] = row[index] ?? null;
  });
  return values;
}
