import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JwtSettings } from '../config';
import { isInt64Id } from '../ids/int64Id';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string };
    user: { sub?: unknown };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The user the request acts as: the verified token's subject. Set by `authenticate`. */
    actorId: bigint;
  }
}

/** HS256 only: a token naming another algorithm (including "none") is refused. */
export async function registerJwt(app: FastifyInstance, jwt: JwtSettings): Promise<void> {
  await app.register(fastifyJwt, {
    secret: jwt.secret,
    sign: { algorithm: 'HS256', expiresIn: `${jwt.tokenTtlSeconds}s` },
    verify: { algorithms: ['HS256'] },
  });
}

export const signUserToken = (app: FastifyInstance, userId: bigint): string => app.jwt.sign({ sub: userId.toString() });

function tokenProblem(error: unknown): { error: string; message: string } {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_JWT_NO_AUTHORIZATION_IN_HEADER':
      return { error: 'missing_token', message: 'send Authorization: Bearer <token>' };
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED':
      return { error: 'token_expired', message: 'the token has expired' };
    default:
      return { error: 'invalid_token', message: 'the token is malformed, not signed with this service’s key, or not HS256' };
  }
}

/** onRequest hook of every command route: runs before body validation, so no token means 401 first. */
export async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  try {
    await request.jwtVerify();
  } catch (error) {
    // Returning the reply tells fastify the request ends here.
    return reply.code(401).send(tokenProblem(error));
  }
  const subject = request.user.sub;
  if (typeof subject !== 'string' || !isInt64Id(subject)) {
    return reply.code(401).send({ error: 'invalid_token', message: "the token's sub must be a user id (decimal int64 string)" });
  }
  request.actorId = BigInt(subject);
  return undefined;
}
