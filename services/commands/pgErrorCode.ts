import { DatabaseError } from 'pg';

/**
 * The SQLSTATE of an error PostgreSQL reported, looking through drizzle's DrizzleQueryError
 * wrapper (which keeps the driver's error as `cause`). Undefined for anything else.
 */
export function pgErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof DatabaseError) return current.code;
  }
  return undefined;
}
