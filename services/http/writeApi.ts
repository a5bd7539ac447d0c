import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WriteCommands } from '../commands/writeCommands';
import type { JwtSettings } from '../config';
import { buildServicesApi } from './servicesApi';

export interface WriteApiDependencies {
  readonly config: { readonly jwt: JwtSettings };
  readonly logger: Logger;
  readonly commands: WriteCommands;
}

/** The HTTP API with the write routes only (the workload's in-process API, the write tests). */
export function buildWriteApi({ config, logger, commands }: WriteApiDependencies): Promise<FastifyInstance> {
  return buildServicesApi({ config, logger, commands, queries: null });
}
