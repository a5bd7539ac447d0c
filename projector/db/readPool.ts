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
  // Session options given in the URL (a rebuild's search_path, readUrlInSchema.ts) are added to
  // these, not put in their place: pg lets the URL's `options` override the config's.
  const { url, extra } = splitOptions(connectionString);
  const pool = new Pool({
    connectionString: url,
    max,
    options: ['-c timezone=UTC -c synchronous_commit=off', extra].filter((o) => o !== null && o !== '').join(' '),
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

function splitOptions(connectionString: string): { url: string; extra: string | null } {
  if (!URL.canParse(connectionString)) return { url: connectionString, extra: null };
  const url = new URL(connectionString);
  const extra = url.searchParams.get('options');
  url.searchParams.delete('options');
  return { url: url.toString(), extra };
}
