/**
 * node-postgres sends parameters as text; int64 values travel as decimal strings so nothing is
 * ever a lossy JS number. Arrays of them feed `unnest($1::bigint[], ...)` multi-row statements.
 */
export const int64s = (values: readonly bigint[]): string[] => values.map((v) => v.toString());

export const nullableInt64s = (values: ReadonlyArray<bigint | null>): Array<string | null> =>
  values.map((v) => (v === null ? null : v.toString()));

export function compareInt64(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
