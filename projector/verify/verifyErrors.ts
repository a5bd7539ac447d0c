import { PipelineError } from '../../infra/errors/pipelineError';

/**
 * Errors that end a verify run before it can say whether the views match (exit status 2).
 * Bad arguments or settings are a ConfigError (infra/settings), listing every problem at once.
 */

export type DatabaseSide = 'write' | 'read';

/**
 * A database could not be reached: names which one, so the operator knows which URL to fix.
 * Retriable: the same run can succeed once the database answers.
 */
export class VerifyConnectionError extends PipelineError {
  constructor(
    readonly side: DatabaseSide,
    cause: unknown,
  ) {
    super(`cannot connect to the ${side} database: ${cause instanceof Error ? cause.message : String(cause)}`, { retriable: true, cause });
  }
}
