import fastifySwagger from '@fastify/swagger';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { JwtSettings } from '../config';
import type { WriteCommands } from '../commands/writeCommands';
import type { ReadModelQueries } from '../queries/readModelQueries';
import { isInt64Id, isInt64Seq } from '../ids/int64Id';
import { authenticate, registerJwt } from './authentication';
import { registerHttpMetrics } from './httpMetrics';
import { registerRequestGuards, type RequestGuards } from './requestGuards';
import { answerUnparsableRequest, errorReply } from './errorReply';
import { channelRoutes } from './routes/channelRoutes';
import { contactRoutes } from './routes/contactRoutes';
import { conversationRoutes } from './routes/conversationRoutes';
import { friendRoutes } from './routes/friendRoutes';
import { groupMemberRoutes } from './routes/groupMemberRoutes';
import { groupRoutes } from './routes/groupRoutes';
import { userRoutes } from './routes/userRoutes';

const BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpAppDependencies {
  readonly config: { readonly jwt: JwtSettings; readonly guards: RequestGuards };
  readonly logger: Logger;
  /** The write API's commands on im_write; null when this process does not serve it. */
  readonly commands: WriteCommands | null;
  /** The query API's reads of im_read; null when this process does not serve it. */
  readonly queries: ReadModelQueries | null;
}

/**
 * The HTTP API of the services: the write API (one route per command) and/or the query API
 * (reads of the read models), on one fastify app with the same JWT bearer identity, JSON-schema
 * validation of every body and parameter, errors always as `{ error, message }`, and one OpenAPI
 * description of whatever it serves at GET /openapi.json. Not listening yet: the caller decides
 * (startServices, the tests).
 */
export async function createHttpApp({ config, logger, commands, queries }: HttpAppDependencies): Promise<FastifyInstance> {
  const app = fastify({
    loggerInstance: logger.child({ component: 'http-api' }) as FastifyBaseLogger,
    // Requests are logged once, at debug, by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Only the configured proxies may say who the client is (X-Forwarded-For): rate limits count request.ip.
    trustProxy: config.guards.trustedProxies.length > 0 ? [...config.guards.trustedProxies] : false,
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
  // Before any route: every write route gets its rate limits as it is declared.
  const guards = await registerRequestGuards(app, config.guards);
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS')) return;
    const onRequest = [route.onRequest ?? []].flat();
    if (route.url === '/users' && methods.includes('POST')) {
      route.onRequest = [guards.signup, ...onRequest];
      return;
    }
    route.onRequest = [guards.commandByAddress, ...onRequest];
    if (onRequest.includes(authenticate)) route.preValidation = [...[route.preValidation ?? []].flat(), guards.commandByUser];
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'IM API',
        version: '1.0.0',
        description:
          'Write API: every command is one transaction on im_write. Query API (GET /me/...): reads of the read models in im_read, ' +
          'which follow the writes within moments (CDC), never in the same request. Ids are int64 decimal strings; times ISO-8601 UTC. ' +
          'Errors are {"error": code, "message": text}: 400 invalid request, 401 missing/bad token, 403 not allowed, 404 unknown thing, ' +
          '409 conflict with the current state, 503 database unavailable.',
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
    request.log.debug(
      { method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request done',
    );
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
  registerHttpMetrics(app);
  if (commands !== null) {
    userRoutes(app, { commands });
    friendRoutes(app, { commands });
    groupRoutes(app, { commands });
    groupMemberRoutes(app, { commands });
    channelRoutes(app, { commands });
  }
  if (queries !== null) {
    conversationRoutes(app, { conversations: queries.conversations });
    contactRoutes(app, { contacts: queries.contacts });
  }
  return app;
}
