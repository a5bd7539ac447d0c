import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';

/** A drizzle handle bound to one pooled connection inside BEGIN ... COMMIT. */
export type WriteTransaction = NodePgDatabase;

export interface TransactionOutcome {
  /** False rolls the transaction back; the value still returns to the caller. */
  readonly commit: boolean;
}

/**
 * Runs `work` in one transaction on its own connection. Unlike drizzle's pool transaction, a
 * connection whose ROLLBACK failed is destroyed instead of returned to the pool, and the work
 * decides between commit and rollback without throwing.
 */
export async function inWriteTransaction<T extends TransactionOutcome>(
  pool: Pool,
  work: (tx: WriteTransaction) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(drizzle({ client }));
    await client.query(result.commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
