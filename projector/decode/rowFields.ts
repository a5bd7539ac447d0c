import { PipelineError } from '../../infra/errors/pipelineError';
import { int64Value } from './parseInt64Json';

/**
 * Typed readers for one decoded row object. Each names the column it rejects, so a dead
 * letter says exactly what was wrong. Values come from parseInt64Json: long integers are marked strings (see int64Value).
 */
export type RawRow = Readonly<Record<string, unknown>>;

/** A column's value is not what the table holds; decodeChangeRecord turns it into a DecodeError with the record's position. */
export class FieldError extends PipelineError {
  constructor(column: string, expected: string, value: unknown) {
    super(`column ${column}: expected ${expected}, got ${describe(value)}`, { retriable: false });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const integer = int64Value(value);
  if (integer !== undefined) return `${integer}`;
  if (typeof value === 'bigint') return `${value}`;
  return JSON.stringify(value) ?? String(value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function int64(row: RawRow, column: string): bigint {
  const value = int64Value(row[column]);
  if (value === undefined || value < INT64_MIN || value > INT64_MAX) throw new FieldError(column, 'a 64-bit integer', row[column]);
  return value;
}

export function int32(row: RawRow, column: string): number {
  const value = int64Value(row[column]);
  if (value === undefined || value < -(2n ** 31n) || value >= 2n ** 31n) throw new FieldError(column, 'a 32-bit integer', row[column]);
  return Number(value);
}

export function text(row: RawRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new FieldError(column, 'a string', value);
  return value;
}

export function bool(row: RawRow, column: string): boolean {
  const value = row[column];
  if (typeof value !== 'boolean') throw new FieldError(column, 'a boolean', value);
  return value;
}

// Debezium's ZonedTimestamp: ISO-8601 with a zone, e.g. 2026-11-21T10:28:18.123456Z.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function timestamp(row: RawRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value)) throw new FieldError(column, 'an ISO-8601 timestamp', value);
  return value;
}

export function nullableTimestamp(row: RawRow, column: string): string | null {
  return row[column] === null ? null : timestamp(row, column);
}

export function isRawRow(value: unknown): value is RawRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
