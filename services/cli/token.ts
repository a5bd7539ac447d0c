import fastify from 'fastify';
import { ConfigError, loadTokenIssuerConfig } from '../config';
import { registerJwt, signUserToken } from '../http/authentication';
import { parseInt64Id } from '../ids/int64Id';

/**
 * Prints a bearer token for a user, signed with JWT_SECRET (or the dev secret, as the API would
 * use): `npm run -s token -- <userId>`. Signing goes through the same plugin that verifies.
 */
async function main(argv: readonly string[]): Promise<number> {
  const userId = argv.length === 1 ? parseInt64Id(argv[0]!) : undefined;
  if (userId === undefined) {
    console.error('usage: npm run -s token -- <userId>   (userId: a positive int64, as decimal digits)');
    return 2;
  }
  let jwt;
  try {
    jwt = loadTokenIssuerConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (jwt.usesDevSecret) console.error('warning: JWT_SECRET is not set; signed with the public dev secret');
  const app = fastify();
  await registerJwt(app, jwt);
  await app.ready();
  console.log(signUserToken(app, userId));
  await app.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
