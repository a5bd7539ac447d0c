import type { PoolClient } from 'pg';
import { int64s } from './sqlValues';

type Row = Record<string, unknown>;

/** A key column and how the probed row's column compares with the key's value. */
export interface ProbeColumn {
  readonly column: string;
  readonly compare?: '=' | '>';
}

/**
 * Rows of `table` (the `select` columns) for a list of int64 key tuples, one index probe per tuple: a LATERAL
 * subquery per key (which also prunes to one partition per key at run time), never a hash join
 * that scans every partition of a partitioned table.
 */
export async function probeByKeys(
  tx: PoolClient,
  table: string,
  columns: readonly ProbeColumn[],
  tuples: ReadonlyArray<readonly bigint[]>,
  select: readonly string[] = ['*'],
): Promise<Row[]> {
  if (tuples.length === 0) return [];
  const parameters = columns.map((_, i) => int64s(tuples.map((tuple) => tuple[i] ?? missing(table, i))));
  const unnest = columns.map((_, i) => `$${i + 1}::bigint[]`).join(', ');
  const aliases = columns.map((_, i) => `k${i}`).join(', ');
  const match = columns.map(({ column, compare = '=' }, i) => `t.${column} ${compare} k.k${i}`).join(' and ');
  const { rows } = await tx.query(
    `select t.* from unnest(${unnest}) k(${aliases}) cross join lateral (select ${selectList(select)} from ${table} t where ${match}) t`,
    parameters,
  );
  return rows;
}

/** Rows of a table whose indexed `column` is one of `ids`. */
export async function rowsWithIds(
  tx: PoolClient,
  table: string,
  column: string,
  ids: readonly bigint[],
  select: readonly string[] = ['*'],
): Promise<Row[]> {
  if (ids.length === 0) return [];
  return (await tx.query(`select ${selectList(select)} from ${table} t where t.${column} = any($1::bigint[])`, [int64s(ids)])).rows;
}

/** Only the columns a lookup reads: a wide row (a message's content) is not fetched to read a number. */
const selectList = (select: readonly string[]) => select.map((column) => (column === '*' ? 't.*' : `t.${column}`)).join(', ');

function missing(table: string, index: number): never {
  throw new Error(`probe of ${table}: a key tuple lacks column ${index}`);
}
