import { CONTRACT_VIEWS as DEFINITIONS } from '../views/contractViews';
import { SQL_TYPES, type SqlType } from '../views/viewColumn';
import { columnOf, contractFields, keyFields, type ContractTable, type Field, type ViewShape } from '../views/viewDefinition';

/**
 * The four public views as verify sees them, derived from their definitions: the key, the
 * contract columns in the contract's order, and the column naming the row's owner. Columns the
 * projector adds for itself (member_ver, projected_at, ...) are absent, so they are never compared.
 */

export type ViewName = ContractTable;

/** PostgreSQL type of a contract column; only the report's formatting depends on it. */
export type ColumnType = SqlType;

export interface ContractColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ContractView {
  readonly name: ViewName;
  /** The view's key, in the order rows are sorted and merged; every key column is a bigint. */
  readonly key: readonly ContractColumn[];
  /** Every other contract column. */
  readonly values: readonly ContractColumn[];
  /** The owner's column, used to verify only some users (`--users`). */
  readonly ownerColumn: string;
}

const toColumn = ({ column }: Field): ContractColumn => ({ name: column.name, type: SQL_TYPES[column.kind] });

function verifiedView(view: ViewShape): ContractView {
  return {
    name: view.table,
    key: keyFields(view).map(toColumn),
    values: contractFields(view)
      .filter((f) => !view.key.includes(f.field))
      .map(toColumn),
    ownerColumn: columnOf(view, view.owner).name,
  };
}

export const CONTRACT_VIEWS: readonly ContractView[] = DEFINITIONS.map(verifiedView);

export const VIEW_NAMES: readonly ViewName[] = CONTRACT_VIEWS.map((view) => view.name);

export function contractView(name: ViewName): ContractView {
  const view = CONTRACT_VIEWS.find((candidate) => candidate.name === name);
  if (view === undefined) throw new Error(`unknown view ${name}`);
  return view;
}

/** Key columns first, then values: the column order of every row verify reads. */
export function viewColumns(view: ContractView): readonly ContractColumn[] {
  return [...view.key, ...view.values];
}
