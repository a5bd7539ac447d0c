import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';
import { inTransaction } from '../../infra/db/transaction';

/** A drizzle handle bound to one pooled connection inside BEGIN ... COMMIT. */
export type WriteTransaction = NodePgDatabase;

export interface TransactionOutcome {
  /** False rolls the transaction back; the value still returns to the caller. */
  readonly commit: boolean;
}

/**
 * Runs `work` in one transaction on its own connection (the shared helper: a connection whose
 * ROLLBACK failed is destroyed, a commit PostgreSQL turned into a rollback is an error), with a
 * drizzle handle; the work decides between commit and rollback without throwing.
 */
export async function inWriteTransaction<T extends TransactionOutcome>(pool: Pool, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    const result = await work(drizzle({ client }));
    return { commit: result.commit, value: result };
  });
}
