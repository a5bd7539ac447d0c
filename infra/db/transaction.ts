import type { Pool, PoolClient } from 'pg';
import { isRetriable } from '../errors/isRetriable';
import { PipelineError } from '../errors/pipelineError';

declare const inTransactionBrand: unique symbol;

/**
 * A connection inside BEGIN … COMMIT, handed out by `inTransaction` only. Functions that must run
 * inside their caller's transaction (the projector's checkpoint and dead-letter writes, which
 * commit with the batch) take this type, not a pool or a bare client, so they cannot run alone.
 */
export type Transaction = PoolClient & { readonly [inTransactionBrand]: true };

/** What the work decided: commit, or roll back (an expected outcome such as a fenced batch). */
export type TransactionOutcome<T> = { readonly commit: boolean; readonly value: T };

export interface TransactionOptions {
  /** `begin` options, e.g. 'isolation level repeatable read'. */
  readonly begin?: string;
  /** Wait for the WAL flush at commit even where the session commits asynchronously. */
  readonly durable?: boolean;
}

/**
 * Runs `work` in one transaction on its own connection: commits or rolls back as the work
 * decides, rolls back on an error (and rethrows it), and destroys a connection whose rollback
 * failed instead of returning it to the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: Transaction) => Promise<TransactionOutcome<T>>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await inClientTransaction(client, work, options);
  } catch (error) {
    if (error instanceof RollbackFailedError) broken = error;
    throw error instanceof RollbackFailedError ? error.cause : error;
  } finally {
    client.release(broken);
  }
}

/**
 * The rollback after `cause` failed too: the connection is in an unknown state. Retriable as its
 * cause is: on another connection the same work may succeed.
 */
class RollbackFailedError extends PipelineError {
  override readonly cause: unknown;

  constructor(cause: unknown, rollbackError: unknown) {
    super(`rollback failed: ${rollbackError instanceof Error ? rollbackError.message : String(rollbackError)}`, {
      retriable: isRetriable(cause),
      cause,
    });
    this.cause = cause;
  }
}

/**
 * The same on a connection the caller holds (one that must also hold a session lock, or read
 * two databases side by side). A failed rollback is reported as RollbackFailedError, whose
 * `cause` is the work's error: the caller should then discard the connection.
 */
export async function inClientTransaction<T>(
  client: PoolClient,
  work: (tx: Transaction) => Promise<TransactionOutcome<T>>,
  options: TransactionOptions = {},
): Promise<T> {
  try {
    await client.query(options.begin === undefined ? 'begin' : `begin ${options.begin}`);
    if (options.durable === true) await client.query('set local synchronous_commit = on');
    const outcome = await work(client as Transaction);
    const end = await client.query(outcome.commit ? 'commit' : 'rollback');
    // PostgreSQL answers COMMIT of a transaction an error aborted with ROLLBACK, not an error.
    if (outcome.commit && end.command !== 'COMMIT') throw new Error(`transaction was rolled back at commit (${end.command})`);
    return outcome.value;
  } catch (error) {
    let rollbackError: unknown;
    await client.query('rollback').catch((e: unknown) => {
      rollbackError = e;
    });
    throw rollbackError === undefined ? error : new RollbackFailedError(error, rollbackError);
  }
}

/** Runs `work` behind a savepoint: on an error its writes are undone and the error rethrown. */
export async function withSavepoint<T>(tx: Transaction, name: string, work: () => Promise<T>): Promise<T> {
  await tx.query(`savepoint ${name}`);
  try {
    const value = await work();
    await tx.query(`release savepoint ${name}`);
    return value;
  } catch (error) {
    // If even this fails, the transaction is lost anyway: the work's error is the one to report.
    await tx.query(`rollback to savepoint ${name}`).catch(() => undefined);
    throw error;
  }
}
