import { isTransientDatabaseError } from '../db/databaseErrors';
import { PipelineError } from './pipelineError';

/**
 * Whether trying the same work again can succeed: the project's own errors say so themselves;
 * a library's error is retriable when it is a transient database error (connection lost, a
 * collision, a timeout, a server short of resources). Anything else is not.
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof PipelineError ? error.retriable : isTransientDatabaseError(error);
}
