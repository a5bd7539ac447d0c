import { createSigner } from 'fast-jwt';
import { signingKeyId } from '../../services/http/authentication';
import type { RequestGuards } from '../../services/http/requestGuards';
import { stackEnv } from '../support/stackEnv';
import { createWriteApiHarness, TEST_GUARDS, TEST_JWT, type ApiReplyWithHeaders } from './writeApiHarness';

/**
 * The API's guards on the stack's im_write: rate limits on sign-up and on commands (per address,
 * per user) answered with 429 and Retry-After; security headers; CORS only for the configured
 * origins; tokens that name their key, a rotation that logs nobody out, an expiry that holds; and
 * error bodies without stack traces or SQL.
 */

const guarded = (overrides: Partial<RequestGuards>) => createWriteApiHarness({ guards: { ...TEST_GUARDS, ...overrides } });
type Harness = Awaited<ReturnType<typeof createWriteApiHarness>>;

const expectRateLimited = (reply: ApiReplyWithHeaders, limit: RegExp) => {
  expect(reply.status).toBe(429);
  expect(reply.body).toEqual({ error: 'rate_limited', message: expect.stringMatching(limit) });
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(reply.headers.get('retry-after'))).toBeLessThanOrEqual(60);
};

describe('rate limits', () => {
  let api: Harness | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('given 3 sign-ups a minute per address, when a 4th comes, then it gets 429 with Retry-After and no user is made', async () => {
    api = await guarded({ signupsPerAddressPerMinute: 3 });
    const nickname = `limited-${Date.now()}`;
    for (let i = 0; i < 3; i += 1) expect((await api.request('POST', '/users', { body: { nickname } })).status).toBe(201);
    const fourth = await api.requestWithHeaders('POST', '/users', { body: { nickname } });
    expectRateLimited(fourth, /sign-ups from this address/);
    expect(await api.query('select count(*)::int as n from users where nickname = $1', [nickname])).toEqual([{ n: 3 }]);
  });

  it('given 5 commands a minute per user, when one user sends a 6th, then it gets 429 and another user from the same address is still served', async () => {
    api = await guarded({ commandsPerUserPerMinute: 5 });
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    for (let i = 0; i < 5; i += 1) expect((await api.as(ann).patch(`/users/${ann.id}`, { nickname: `ann${i}` })).status).toBe(200);
    const sixth = await api.requestWithHeaders('PATCH', `/users/${ann.id}`, { token: ann.token, body: { nickname: 'ann-too-many' } });
    expectRateLimited(sixth, /commands from this user/);
    expect((await api.as(bob).patch(`/users/${bob.id}`, { nickname: 'bob2' })).status).toBe(200);
    expect(await api.query('select nickname from users where id = $1', [ann.id])).toEqual([{ nickname: 'ann4' }]);
  });

  it('given 4 commands a minute per address, when users share the address, then the 5th command is refused whoever sends it, with or without a token', async () => {
    api = await guarded({ commandsPerAddressPerMinute: 4 });
    const users = [await api.createUser('a'), await api.createUser('b')];
    for (let i = 0; i < 4; i += 1)
      expect((await api.as(users[i % 2]!).patch(`/users/${users[i % 2]!.id}`, { nickname: `n${i}` })).status).toBe(200);
    expectRateLimited(
      await api.requestWithHeaders('PATCH', `/users/${users[1]!.id}`, { token: users[1]!.token, body: { nickname: 'late' } }),
      /commands from this address/,
    );
    expectRateLimited(
      await api.requestWithHeaders('PATCH', `/users/${users[0]!.id}`, { body: { nickname: 'no-token' } }),
      /commands from this address/,
    );
  });
});

describe('headers', () => {
  let api: Harness | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('given any answer, then it carries the security headers and does not name the server', async () => {
    api = await guarded({});
    const reply = await api.requestWithHeaders('POST', '/users', { body: { nickname: 'headers' } });
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });

  it('given no CORS origins, when a browser asks from another origin, then no CORS header allows it', async () => {
    api = await guarded({});
    const preflight = await api.requestWithHeaders('OPTIONS', '/users', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('given a configured origin, then that origin is allowed and another is not', async () => {
    api = await guarded({ corsOrigins: ['https://app.example.com'] });
    const allowed = await api.requestWithHeaders('OPTIONS', '/users', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await api.requestWithHeaders('OPTIONS', '/users', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('tokens', () => {
  const OLD_KEY = 'rotation-test-old-key-0123456789abcdef';
  const NEW_KEY = 'rotation-test-new-key-0123456789abcdef';
  const jwtWith = (secret: string, previousSecrets: string[] = [], tokenTtlSeconds = 3600) => ({
    ...TEST_JWT,
    secret,
    previousSecrets,
    tokenTtlSeconds,
  });
  const decodeHeader = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid?: string };
  const decodePayload = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
  const harnesses: Harness[] = [];
  const start = async (jwt: ReturnType<typeof jwtWith>) => {
    const api = await createWriteApiHarness({ jwt });
    harnesses.push(api);
    return api;
  };
  afterAll(async () => {
    for (const api of harnesses) await api.close();
  });

  it('given a token lifetime, then the tokens issued expire after it, and an expired token is refused as such', async () => {
    const api = await start(jwtWith(NEW_KEY, [], 120));
    const user = await api.createUser('ttl');
    const { iat, exp } = decodePayload(user.token);
    expect(exp - iat).toBe(120);
    const expired = createSigner({ key: NEW_KEY, algorithm: 'HS256', kid: signingKeyId(NEW_KEY) })({
      sub: user.id,
      iat: Math.floor(Date.now() / 1000) - 300,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const reply = await api.request('PATCH', `/users/${user.id}`, { token: expired, body: { nickname: 'x' } });
    expect(reply.status).toBe(401);
    expect(reply.body.error).toBe('token_expired');
  });

  it('given a rotation with the old key kept as previous, then tokens of both keys are served and new ones name the new key', async () => {
    const before = await start(jwtWith(OLD_KEY));
    const user = await before.createUser('rotated');
    expect(decodeHeader(user.token).kid).toBe(signingKeyId(OLD_KEY));

    const after = await start(jwtWith(NEW_KEY, [OLD_KEY]));
    expect((await after.request('PATCH', `/users/${user.id}`, { token: user.token, body: { nickname: 'still-in' } })).status).toBe(200);
    const fresh = await after.createUser('fresh');
    expect(decodeHeader(fresh.token).kid).toBe(signingKeyId(NEW_KEY));
    expect((await after.as(fresh).patch(`/users/${fresh.id}`, { nickname: 'fresh2' })).status).toBe(200);
  });

  it('given the old key no longer listed, then its tokens are refused, and a token naming an unknown key is too', async () => {
    const before = await start(jwtWith(OLD_KEY));
    const user = await before.createUser('dropped');
    const after = await start(jwtWith(NEW_KEY));
    const refused = await after.request('PATCH', `/users/${user.id}`, { token: user.token, body: { nickname: 'x' } });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_token', message: expect.stringContaining('no longer accepts') });
    // Signed with the right key but naming another: the kid decides, and it names no key known here.
    const mislabelled = createSigner({ key: NEW_KEY, algorithm: 'HS256', kid: 'feedfeedfeedfeed', expiresIn: 60_000 })({ sub: user.id });
    expect((await after.request('PATCH', `/users/${user.id}`, { token: mislabelled, body: { nickname: 'x' } })).status).toBe(401);
  });

  it('given a token from before key ids (no kid), then the current key verifies it and no other', async () => {
    const api = await start(jwtWith(NEW_KEY, [OLD_KEY]));
    const user = await api.createUser('legacy');
    const legacy = (key: string) => createSigner({ key, algorithm: 'HS256', expiresIn: 60_000 })({ sub: user.id });
    expect((await api.request('PATCH', `/users/${user.id}`, { token: legacy(NEW_KEY), body: { nickname: 'y' } })).status).toBe(200);
    expect((await api.request('PATCH', `/users/${user.id}`, { token: legacy(OLD_KEY), body: { nickname: 'z' } })).status).toBe(401);
  });
});

describe('error bodies', () => {
  it('given a command that fails in the database for a reason nobody foresaw, then the answer is a plain 500 without SQL or a stack trace', async () => {
    // The read database has none of the write tables: every command fails inside PostgreSQL.
    const api = await createWriteApiHarness({ databaseUrl: stackEnv().readDatabaseUrl });
    try {
      const reply = await api.request('POST', '/users', { body: { nickname: 'nowhere' } });
      expect(reply.status).toBe(500);
      expect(reply.body).toEqual({ error: 'internal_error', message: 'unexpected error; it has been logged' });
      const text = JSON.stringify(reply.body);
      for (const leak of ['relation', 'insert', 'select', 'users', '    at ', '.ts:'])
        expect(text.toLowerCase().includes(leak)).toBe(false);
    } finally {
      await api.close();
    }
  });
});
