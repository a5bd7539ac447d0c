import type { ColumnValue, RowDifference, RowKey, ViewComparison } from './compareViewRows';
import { contractView, viewColumns, type ColumnType, type ViewName } from './contractViews';
import type { VerifyResult } from './verifyViews';

/**
 * The report a person reads: each kept difference on its own line (view, kind, key, column,
 * expected, actual), then a table of counts per view, then one verdict line. Every line about a
 * row repeats its view and key, so the output can be grepped.
 */
export function formatVerifyReport(result: VerifyResult): string {
  const lines: string[] = [];
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  if (result.warnings.length > 0) lines.push('');

  for (const comparison of result.views) {
    const total = differenceCount(comparison);
    if (total === 0) continue;
    lines.push(`${comparison.view}: ${total} row(s) differ`);
    for (const difference of comparison.differences) lines.push(...differenceLines(comparison.view, difference));
    const hidden = total - comparison.differences.length;
    if (hidden > 0) lines.push(`  ... and ${hidden} more (raise --max-differences to list them)`);
    lines.push('');
  }

  lines.push(...summaryTable(result.views), '');
  lines.push(verdict(result));
  return `${lines.join('\n')}\n`;
}

function differenceLines(view: ViewName, difference: RowDifference): string[] {
  const key = formatKey(difference.key);
  switch (difference.kind) {
    case 'missing':
      return [`  ${view} ${key} missing: the contract defines this row, im_read lacks it`];
    case 'unexpected':
      return [`  ${view} ${key} unexpected: im_read has this row, the contract does not define it`];
    case 'differing': {
      const types = columnTypes(view);
      return difference.columns.map((column) => {
        const type = types.get(column.column) ?? 'text';
        return (
          `  ${view} ${key} ${column.column}: ` +
          `expected ${formatValue(column.expected, type)}, actual ${formatValue(column.actual, type)}`
        );
      });
    }
    default: {
      const unknown: never = difference;
      throw new Error(`unknown difference ${JSON.stringify(unknown)}`);
    }
  }
}

export function formatKey(key: RowKey): string {
  return `(${Object.entries(key)
    .map(([column, value]) => `${column}=${value}`)
    .join(', ')})`;
}

/** Text is quoted so that '' and a trailing space show; NULL is not a string. */
export function formatValue(value: ColumnValue, type: ColumnType): string {
  if (value === null) return 'NULL';
  return type === 'text' ? JSON.stringify(value) : value;
}

function columnTypes(view: ViewName): Map<string, ColumnType> {
  return new Map(viewColumns(contractView(view)).map((column) => [column.name, column.type]));
}

function differenceCount(comparison: ViewComparison): number {
  return comparison.missing + comparison.unexpected + comparison.differing;
}

const TABLE_HEADINGS = ['view', 'expected', 'actual', 'matching', 'missing', 'unexpected', 'differing'] as const;

function summaryTable(views: readonly ViewComparison[]): string[] {
  const rows = views.map((c) => [c.view, c.expectedRows, c.actualRows, c.matching, c.missing, c.unexpected, c.differing].map(String));
  const widths = TABLE_HEADINGS.map((heading, index) => Math.max(heading.length, ...rows.map((row) => row[index]?.length ?? 0)));
  // The view name reads best left-aligned, the counts right-aligned.
  const line = (cells: readonly string[]) =>
    cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join('  ');
  return [line(TABLE_HEADINGS), ...rows.map(line)];
}

function verdict(result: VerifyResult): string {
  const scope = result.owners === null ? '' : ` (rows of ${result.owners.length} owner(s) only)`;
  if (result.matches) {
    const rows = result.views.reduce((sum, c) => sum + c.expectedRows, 0);
    return `OK: all ${result.views.length} view(s) match the contract, ${rows} row(s)${scope}`;
  }
  const differing = result.views.filter((c) => differenceCount(c) > 0);
  const rows = differing.reduce((sum, c) => sum + differenceCount(c), 0);
  return `DIFFERENCES: ${rows} row(s) in ${differing.length} of ${result.views.length} view(s) do not match the contract${scope}`;
}
