import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { WriteApiConfig } from './config';
import { startServices } from './startServices';

export interface RunningWriteService {
  readonly app: FastifyInstance;
  readonly pool: Pool;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the pool. */
  stop(): Promise<void>;
}

/** The write API alone, listening, with its pool and id generator: what the workload starts in-process. */
export async function startWriteService({ config, logger }: { config: WriteApiConfig; logger: Logger }): Promise<RunningWriteService> {
  const { writeDatabaseUrl, idWorkerId, ...common } = config;
  const services = await startServices({ config: { ...common, write: { databaseUrl: writeDatabaseUrl, idWorkerId }, query: null }, logger });
  return { app: services.app, pool: services.writePool!, url: services.url, stop: () => services.stop() };
}
