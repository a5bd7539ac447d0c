import type { RowDifference } from '../verify/compareViewRows';
import { contractView } from '../verify/contractViews';
import type { VerifyResult } from '../verify/verifyViews';

/**
 * verify compares a version with im_write while both keep moving: a difference may only mean that
 * the newest change of that row has not reached the version yet. Looked at again after the version
 * has caught up, such a difference is gone or has moved on with the write side (its expected side
 * changed). One that stays the same across two looks, with the version caught up in between, is
 * not waiting for anything: it is real.
 */
export interface DifferenceLook {
  /** Each differing row (view and key) with what the write side expects there. */
  readonly seen: ReadonlyMap<string, string>;
  /** Rows that differ exactly as they did at the previous look. */
  readonly standing: readonly string[];
  /** Rows that differ otherwise than before (or were not looked at before). */
  readonly moving: readonly string[];
  /** The owners of every differing row: the next look checks only them. */
  readonly owners: readonly string[];
  /** Some view had more differences than the result keeps: the rows cannot all be told apart. */
  readonly truncated: boolean;
}

export function lookAtDifferences(result: VerifyResult, previous: ReadonlyMap<string, string> | undefined): DifferenceLook {
  const seen = new Map<string, string>();
  const owners = new Set<string>();
  let truncated = false;
  for (const view of result.views) {
    if (view.missing + view.unexpected + view.differing > view.differences.length) truncated = true;
    const ownerColumn = contractView(view.view).ownerColumn;
    for (const d of view.differences) {
      seen.set(`${view.view} ${JSON.stringify(d.key)}`, expectedSide(d));
      const owner = d.key[ownerColumn];
      if (owner !== undefined) owners.add(owner);
    }
  }
  const standing: string[] = [];
  const moving: string[] = [];
  for (const [row, expected] of seen) (previous?.get(row) === expected ? standing : moving).push(row);
  return { seen, standing, moving, owners: [...owners], truncated };
}

/** What the write side says the row should be, in a form two looks can compare. */
function expectedSide(d: RowDifference): string {
  switch (d.kind) {
    case 'missing':
      return `row ${JSON.stringify(d.expected)}`;
    case 'unexpected':
      return 'no row';
    case 'differing':
      return `columns ${JSON.stringify(d.columns.map((c) => [c.column, c.expected]))}`;
    default: {
      const never: never = d;
      throw new Error(`unknown difference ${JSON.stringify(never)}`);
    }
  }
}
