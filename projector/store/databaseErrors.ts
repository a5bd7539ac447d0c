import { UnavailableValueError } from './unavailableValueError';

/**
 * PostgreSQL errors by what to do about them. Transient ones (connection loss, deadlock,
 * serialization failure, shutdown, lack of resources) are retried with backoff and never
 * dead-lettered; data errors mean the event itself cannot be stored.
 */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '57014']);
const TRANSIENT_CLASSES = ['08', '53', '58'];
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function isTransientDatabaseError(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) {
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
  }
  return TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code) || TRANSIENT_CLASSES.some((c) => code.startsWith(c));
}

/**
 * Data exceptions (22), integrity violations (23) and values the store refuses itself
 * (UnavailableValueError): this event's values cannot be stored.
 */
export function isDataError(error: unknown): boolean {
  if (error instanceof UnavailableValueError) return true;
  const code = codeOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}
