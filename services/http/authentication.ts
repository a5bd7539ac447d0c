import { createHash } from 'node:crypto';
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
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

/** A key's id in a token's header (`kid`): a short hash of the key, which says nothing about the key itself. */
export const signingKeyId = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

class UnknownSigningKeyError extends Error {
  readonly code = 'IM_JWT_UNKNOWN_KEY';
}

/**
 * HS256 only: a token naming another algorithm (including "none") is refused. New tokens are
 * signed with the current key and name it by `kid`; a token is verified with the key its `kid`
 * names, the current one or one of the previous ones still listed (a rotation logs nobody out).
 * A token without `kid` (issued before key ids) is verified with the current key.
 */
export async function registerJwt(app: FastifyInstance, jwt: JwtSettings): Promise<void> {
  const keys = new Map([jwt.secret, ...jwt.previousSecrets].map((key) => [signingKeyId(key), key]));
  await app.register(fastifyJwt, {
    secret: {
      private: jwt.secret,
      public: async (_request: FastifyRequest, token: TokenOrHeader) => {
        const kid = 'header' in token ? token.header.kid : token.kid;
        if (kid === undefined) return jwt.secret;
        const key = typeof kid === 'string' ? keys.get(kid) : undefined;
        if (key === undefined) throw new UnknownSigningKeyError('the token is signed with a key this service no longer accepts');
        return key;
      },
    },
    decode: { complete: true },
    sign: { algorithm: 'HS256', expiresIn: `${jwt.tokenTtlSeconds}s`, kid: signingKeyId(jwt.secret) },
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
    case 'IM_JWT_UNKNOWN_KEY':
      return { error: 'invalid_token', message: 'the token is signed with a key this service no longer accepts; sign in again' };
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
