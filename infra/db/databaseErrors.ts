/**
 * PostgreSQL and connection errors by what to do about them: the one classification both
 * deployables use (the projector retries or dead-letters, the services answer 503 or 4xx).
 *
 * - conflict: the transaction collided with another (serialization failure, deadlock); the same
 *   transaction run again can commit.
 * - timeout: a statement ran out of time (statement_timeout, a cancel).
 * - unavailable: the connection or the server went away: class 08, shutdown and restart (57P0x),
 *   a network error, or pg's own messages for a broken or timed-out connection.
 * - busy: the server lacks resources (class 53), a lock could not be had at once (55P03), or a
 *   system error (class 58).
 * - data: the values cannot be stored (data exceptions, class 22; integrity violations, class 23).
 *
 * The first four are transient: trying later can succeed. Anything else (syntax, a missing table)
 * is neither and is not classified.
 */
export type DatabaseErrorKind = 'conflict' | 'timeout' | 'unavailable' | 'busy' | 'data';

const BY_CODE: Readonly<Record<string, DatabaseErrorKind>> = {
  '40001': 'conflict',
  '40P01': 'conflict',
  '57014': 'timeout',
  '55P03': 'busy',
};
const BY_CLASS: Readonly<Record<string, DatabaseErrorKind>> = {
  '08': 'unavailable',
  '53': 'busy',
  '58': 'busy',
  '22': 'data',
  '23': 'data',
};
/** Classes start with a digit, or are F0, HV, P0, XX; Node's error codes (EPIPE) are none of them. */
const SQLSTATE = /^([0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's errors without a code: a connection that ended, a pool that could not connect in time. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** Errors are looked at through their causes: drizzle wraps pg's error in its own. */
function* causes(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The SQLSTATE PostgreSQL reported (looking through wrappers), or undefined. */
export function sqlState(error: unknown): string | undefined {
  for (const current of causes(error)) {
    const code = codeOf(current);
    if (code !== undefined && SQLSTATE.test(code)) return code;
  }
  return undefined;
}

export function databaseErrorKind(error: unknown): DatabaseErrorKind | undefined {
  const state = sqlState(error);
  if (state !== undefined) return BY_CODE[state] ?? (state.startsWith('57P0') ? 'unavailable' : BY_CLASS[state.slice(0, 2)]);
  for (const current of causes(error)) {
    const code = codeOf(current);
    if (code !== undefined && NETWORK_CODES.has(code)) return 'unavailable';
    if (current instanceof Error && CONNECTION_MESSAGES.test(current.message)) return 'unavailable';
  }
  return undefined;
}

/** Worth trying again later: the same work can succeed once the database answers or the collision is over. */
export function isTransientDatabaseError(error: unknown): boolean {
  const kind = databaseErrorKind(error);
  return kind !== undefined && kind !== 'data';
}

/** This work's values cannot be stored, however often it is tried. */
export function isDataError(error: unknown): boolean {
  return databaseErrorKind(error) === 'data';
}
