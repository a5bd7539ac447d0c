import fastifySwagger from '@fastify/swagger';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { WriteApiConfig } from '../config';
import type { WriteCommands } from '../commands/writeCommands';
import { isInt64Id, isInt64Seq } from '../ids/int64Id';
import { registerJwt } from './authentication';
import { answerUnparsableRequest, errorReply } from './errorReply';
import { channelRoutes } from './routes/channelRoutes';
import { friendRoutes } from './routes/friendRoutes';
import { groupMemberRoutes } from './routes/groupMemberRoutes';
import { groupRoutes } from './routes/groupRoutes';
import { userRoutes } from './routes/userRoutes';

const BODY_LIMIT_BYTES = 64 * 1024;

export interface WriteApiDependencies {
  readonly config: Pick<WriteApiConfig, 'jwt'>;
  readonly logger: Logger;
  readonly commands: WriteCommands;
}

/**
 * The write API: one route per command, JSON-schema validation of every body and parameter,
 * JWT bearer identity, errors always as `{ error, message }`, and its OpenAPI description at
 * GET /openapi.json. Not listening yet: the caller decides (main.ts, tests, the workload).
 */
export async function buildWriteApi({ config, logger, commands }: WriteApiDependencies): Promise<FastifyInstance> {
  const app = fastify({
    loggerInstance: logger.child({ component: 'write-api' }) as FastifyBaseLogger,
    // Requests are logged once, at debug, by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: {
      customOptions: {
        // Unknown fields are refused rather than dropped, and nothing is coerced: an id sent as
        // a JSON number has already lost its low digits above 2^53, so it must not pass as a string.
        removeAdditional: false,
        coerceTypes: false,
        formats: {
          'int64-id': { type: 'string', validate: isInt64Id },
          'int64-seq': { type: 'string', validate: isInt64Seq },
        },
      },
    },
    clientErrorHandler: answerUnparsableRequest,
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = errorReply(error);
      void (reply as FastifyReply).code(status).send(body);
    },
  });

  app.decorateRequest('actorId', 0n);
  await registerJwt(app, config.jwt);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'IM write API',
        version: '1.0.0',
        description:
          'Every command is one transaction on im_write. Ids are int64 decimal strings. Errors are {"error": code, "message": text}: ' +
          '400 invalid request, 401 missing/bad token, 403 not allowed, 404 unknown thing, 409 conflict with the current state.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReply(error);
    if (status >= 500) request.log.error({ err: error, status }, 'request failed');
    else request.log.debug({ error: body.error, status }, 'request refused');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request done');
  });

  // A request still in flight when close() begins would leave its keep-alive connection open
  // until keepAliveTimeout (72 s), holding shutdown up that long: its answer closes it instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  userRoutes(app, { commands });
  friendRoutes(app, { commands });
  groupRoutes(app, { commands });
  groupMemberRoutes(app, { commands });
  channelRoutes(app, { commands });
  return app;
}
