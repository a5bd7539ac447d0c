import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, preValidationHookHandler } from 'fastify';

/** How much one caller may ask of the API, and who else may call it from a browser. */
export interface RequestGuards {
  /** Sign-ups (POST /users) per client address per minute. */
  readonly signupsPerAddressPerMinute: number;
  /** Commands (every write route but sign-up) per client address per minute. */
  readonly commandsPerAddressPerMinute: number;
  /** Commands per user (the token's subject) per minute. */
  readonly commandsPerUserPerMinute: number;
  /** Origins a browser may call the API from; empty: no CORS headers, so no cross-origin calls. */
  readonly corsOrigins: readonly string[];
  /** Proxies whose X-Forwarded-For names the client (so limits count clients, not the proxy). */
  readonly trustedProxies: readonly string[];
}

const MINUTE = 60_000;

/** The answer to a caller over its limit, in the API's `{ error, message }` shape (errorReply maps it). */
export class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(
    readonly limit: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many ${limit}; retry after ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

type Guard = onRequestHookHandler & preValidationHookHandler;

/**
 * Security headers on every answer (helmet), CORS only for the configured origins, and rate limits
 * on sign-up and on commands, per client address and per user, answered with 429 and
 * Retry-After. The counting is @fastify/rate-limit's (its in-process store: N replicas allow N
 * times as much); one request is counted by each of its limits.
 */
export async function registerRequestGuards(app: FastifyInstance, guards: RequestGuards) {
  await app.register(fastifyHelmet, {
    // A JSON API: no page of its own, so nothing may be loaded or framed on its behalf.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  if (guards.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...guards.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      // A browser client may read when to retry after a 429.
      exposedHeaders: ['retry-after'],
      maxAge: 600,
    });
  }
  await app.register(fastifyRateLimit, { global: false });

  // Without a key of its own, a limit counts by client address as the plugin normalizes it (an
  // IPv6 client by its /64: one host's many addresses are one client). Each limit keeps the
  // counters of its 5000 most recent callers (the plugin's in-process store).
  const limit = (key: ((request: FastifyRequest) => string) | undefined, max: number, what: string): Guard => {
    const count = app.createRateLimit({ max, timeWindow: MINUTE, ...(key === undefined ? {} : { keyGenerator: key }) });
    return async (request, reply) => {
      const counted = await count(request);
      if (counted.isAllowed || !counted.isExceeded) return;
      void reply.header('retry-after', String(counted.ttlInSeconds));
      throw new RateLimitedError(what, counted.ttlInSeconds);
    };
  };
  const byAddress = undefined;
  const byUser = (request: FastifyRequest) => request.actorId.toString();

  return {
    /** onRequest of sign-up: before the body is read. */
    signup: limit(byAddress, guards.signupsPerAddressPerMinute, 'sign-ups from this address'),
    /** onRequest of a command, before its token is checked: floods without a token are limited too. */
    commandByAddress: limit(byAddress, guards.commandsPerAddressPerMinute, 'commands from this address'),
    /** preValidation of a command: after the token named the user. */
    commandByUser: limit(byUser, guards.commandsPerUserPerMinute, 'commands from this user'),
  };
}

export type CommandGuards = Awaited<ReturnType<typeof registerRequestGuards>>;
