import { Pool, types } from 'pg';
import type { Logger } from 'pino';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';

const INT8 = 20;
const TIMESTAMPTZ = 1184;

/**
 * The query API's pool on im_read. Every session is read-only (the projector is the only
 * writer of the read models; a write from here fails in PostgreSQL, not just by convention),
 * runs in UTC with ISO dates, and gives int8 and timestamptz back as PostgreSQL's text: ids go
 * out as decimal strings without passing through a lossy number, and times keep their
 * microseconds, which page cursors need to be exact.
 */
export function createQueryPool({ databaseUrl, poolSize, logger }: { databaseUrl: string; poolSize: number; logger: Logger }): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // A request waits at most this long for a connection, then gets 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'im-query-api',
    options: '-c default_transaction_read_only=on -c timezone=UTC -c datestyle=ISO -c statement_timeout=5000',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === TIMESTAMPTZ) return (value: string) => value;
        return types.getTypeParser(oid, format);
      }) as typeof types.getTypeParser,
    },
  });
  return surviveConnectionLoss(pool, (error) => logger.warn({ err: error }, 'idle database connection lost'));
}
