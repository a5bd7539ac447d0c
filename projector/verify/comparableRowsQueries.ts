import { viewColumns, type ContractView } from './contractViews';
import { expectedRowsQuery, type RowsQuery } from './expectedRowsQueries';

/**
 * The two sides of one view's comparison, shaped alike: every contract column cast to text (so
 * a bigint never becomes a JS number and a timestamptz keeps its microseconds; run them in a
 * session whose TimeZone and DateStyle are fixed, see readSnapshot.ts), in the view's column
 * order, sorted by the key.
 *
 * ORDER BY names the columns qualified (`v.user_id`) on purpose: an unqualified name would
 * resolve to the text output column and sort '10' before '9', while the merge relies on
 * numeric key order (and checks it).
 */

function selectList(view: ContractView): string {
  return viewColumns(view)
    .map((column) => `v.${column.name}::text as ${column.name}`)
    .join(', ');
}

function keyOrder(view: ContractView): string {
  return view.key.map((column) => `v.${column.name}`).join(', ');
}

/** The view's rows as the contract defines them, computed from im_write. */
export function expectedComparableRows(view: ContractView, owners?: readonly string[]): RowsQuery {
  const expected = expectedRowsQuery(view.name, owners);
  return {
    text: `select ${selectList(view)} from (${expected.text}) v order by ${keyOrder(view)}`,
    values: expected.values,
  };
}

/** The view's rows as the projector wrote them in im_read. */
export function actualComparableRows(view: ContractView, owners?: readonly string[]): RowsQuery {
  return {
    text:
      `select ${selectList(view)} from ${view.name} v ` +
      `where $1::bigint[] is null or v.${view.ownerColumn} = any($1::bigint[]) ` +
      `order by ${keyOrder(view)}`,
    values: [owners ?? null],
  };
}
