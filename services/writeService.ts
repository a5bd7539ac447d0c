import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { writeCommands } from './commands/writeCommands';
import type { WriteApiConfig } from './config';
import { migrateWriteDatabase } from './db/migrateWriteDatabase';
import { writePool } from './db/writePool';
import { buildWriteApi } from './http/writeApi';
import { idGenerator } from './ids/idGenerator';

export interface RunningWriteService {
  readonly app: FastifyInstance;
  readonly pool: Pool;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the pool. */
  stop(): Promise<void>;
}

/** The write API, listening, with its pool and id generator: what main.ts and the workload start. */
export async function startWriteService({ config, logger }: { config: WriteApiConfig; logger: Logger }): Promise<RunningWriteService> {
  // Idempotent, and serialized across processes; the stack usually did it already.
  await migrateWriteDatabase(config.writeDatabaseUrl);
  const pool = writePool({ config, logger });
  const commands = writeCommands({ pool, ids: idGenerator({ workerId: config.idWorkerId }), logger });
  const app = await buildWriteApi({ config, logger, commands });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    app,
    pool,
    url: `http://${host}:${port}`,
    async stop() {
      await app.close();
      await pool.end();
    },
  };
}
