import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createWriteCommands, type WriteCommands } from './commands/writeCommands';
import type { ServiceApi, ServicesConfig } from './config';
import { checkQueryRole, checkWriteRole } from './db/databaseRoleCheck';
import { createQueryPool } from './db/queryPool';
import { createWritePool } from './db/writePool';
import { createHttpApp } from './http/httpApp';
import { createIdGenerator } from './ids/idGenerator';
import { createReadModelQueries } from './queries/readModelQueries';

export interface RunningServices {
  readonly app: FastifyInstance;
  readonly apis: readonly ServiceApi[];
  /** The write API's pool on im_write, or null when it is not served. */
  readonly writePool: Pool | null;
  /** The query API's read-only pool on im_read, or null when it is not served. */
  readonly queryPool: Pool | null;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the pools. */
  stop(): Promise<void>;
}

/**
 * The write API and/or the query API on one port, as the config says: what main.ts starts, and
 * the workload (the write API alone, writeApiOnly).
 * The query API never migrates im_read; the projector owns that schema.
 */
export async function startServices({ config, logger }: { config: ServicesConfig; logger: Logger }): Promise<RunningServices> {
  let write: Pool | null = null;
  let commands: WriteCommands | null = null;
  if (config.write !== null) {
    write = createWritePool({ config: { writeDatabaseUrl: config.write.databaseUrl, databasePoolSize: config.databasePoolSize }, logger });
    commands = createWriteCommands({ pool: write, ids: createIdGenerator({ workerId: config.write.idWorkerId }), logger });
  }
  const read =
    config.query === null ? null : createQueryPool({ databaseUrl: config.query.databaseUrl, poolSize: config.databasePoolSize, logger });
  const closePools = async () => {
    await Promise.all([write?.end(), read?.end()]);
  };

  let app: FastifyInstance;
  try {
    // The migrations job (or `npm run stack -- up`) migrates im_write: this role may not.
    if (write !== null) await checkWriteRole(write, 'WRITER_DATABASE_URL');
    if (read !== null) await checkQueryRole(read, 'READER_DATABASE_URL');
    app = await createHttpApp({ config, logger, commands, queries: read === null ? null : createReadModelQueries({ pool: read }) });
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await closePools();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    app,
    apis: [...(write === null ? [] : ['write' as const]), ...(read === null ? [] : ['query' as const])],
    writePool: write,
    queryPool: read,
    url: `http://${host}:${port}`,
    async stop() {
      await app.close();
      await closePools();
    },
  };
}
