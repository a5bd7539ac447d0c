import { Pool, types } from 'pg';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';

const INT8 = 20;
const TIMESTAMPTZ = 1184;

/**
 * A pool whose int8 values come back as bigint (never a lossy number) and timestamptz as text
 * in UTC (written back unchanged), as the projector's stores expect.
 *
 * synchronous_commit is off: a server crash may lose the last commits, but each commit carries
 * its partition's checkpoint and WAL keeps commit order, so what is lost is re-read from Kafka
 * and applied again; nothing is lost or applied twice. Commits then do not wait for a disk flush.
 */
export function createReadPool(connectionString: string, max = 10, onIdleError?: (error: Error) => void): Pool {
  const pool = new Pool({
    connectionString,
    max,
    options: '-c timezone=UTC -c synchronous_commit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (value: string) => BigInt(value);
        if (oid === TIMESTAMPTZ) return (value: string) => value;
        return types.getTypeParser(oid, format);
      }) as typeof types.getTypeParser,
    },
  });
  // A connection the server dropped (restart, failover) must not crash the process: the pool
  // replaces it, and the statement that failed is retried like any transient error.
  return surviveConnectionLoss(pool, (error) => onIdleError?.(error));
}
