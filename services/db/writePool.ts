import { Pool } from 'pg';
import type { Logger } from 'pino';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';
import type { WriteApiConfig } from '../config';

/** The pool every command borrows its transaction connection from. */
export function createWritePool({
  config,
  logger,
}: {
  config: Pick<WriteApiConfig, 'writeDatabaseUrl' | 'databasePoolSize'>;
  logger: Logger;
}): Pool {
  const pool = new Pool({
    connectionString: config.writeDatabaseUrl,
    max: config.databasePoolSize,
    // A request waits at most this long for a connection, then gets 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'im-write-api',
  });
  return surviveConnectionLoss(pool, (error) => logger.warn({ err: error }, 'idle database connection lost'));
}
