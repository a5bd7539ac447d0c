import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { TEST_JWT, createWriteApiHarness, type TestUser, type WriteApiHarness } from './writeApiHarness';

/** What reaches the API from outside: tokens, raw bodies, URLs. Nothing here may produce a 5xx. */

let api: WriteApiHarness;
let ann: TestUser;
let channelId: string;
beforeAll(async () => {
  api = await createWriteApiHarness();
  ann = await api.createUser('ann');
  channelId = (await api.as(ann).post('/groups', { name: 'g' })).body.channelId;
});
afterAll(() => api.close());

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function craftToken(payload: Record<string, unknown>, { secret = TEST_JWT.secret, alg = 'HS256' } = {}): string {
  const head = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}`;
  if (alg === 'none') return `${head}.`;
  const hash = alg === 'HS512' ? 'sha512' : 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const sendWith = (headers: Record<string, string>) =>
  api.request('POST', `/channels/${channelId}/messages`, { headers, body: { content: 'hi' } });
const messageCount = async () =>
  Number((await api.query<{ n: string }>('select count(*) as n from messages where channel_id = $1', [channelId]))[0]!.n);

describe('identity', () => {
  it('a token from the API and one crafted with the same secret both act as their subject', async () => {
    expect((await sendWith({ authorization: `Bearer ${ann.token}` })).status).toBe(201);
    const crafted = craftToken({ sub: ann.id, iat: now(), exp: now() + 60 });
    expect((await sendWith({ authorization: `Bearer ${crafted}` })).status).toBe(201);
    const senders = await api.query<{ sender_id: string }>('select distinct sender_id::text from messages where channel_id = $1', [
      channelId,
    ]);
    expect(senders).toEqual([{ sender_id: ann.id }]);
  });

  it.each<[string, string, () => Record<string, string>]>([
    ['no Authorization header', 'missing_token', () => ({})],
    ['a Basic credential', 'missing_token', () => ({ authorization: 'Basic YW5uOnB3' })],
    ['a bearer that is not a JWT', 'invalid_token', () => ({ authorization: 'Bearer not-a-jwt' })],
    ['a bearer with two parts', 'invalid_token', () => ({ authorization: `Bearer ${ann.token} extra` })],
    [
      'another service’s secret',
      'invalid_token',
      () => ({ authorization: `Bearer ${craftToken({ sub: ann.id }, { secret: 'x'.repeat(40) })}` }),
    ],
    ['alg none', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ sub: ann.id }, { alg: 'none' })}` })],
    ['HS512 with the right secret', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ sub: ann.id }, { alg: 'HS512' })}` })],
    ['an expired token', 'token_expired', () => ({ authorization: `Bearer ${craftToken({ sub: ann.id, exp: now() - 10 })}` })],
    ['no sub', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ iat: now() })}` })],
    ['a sub that is not an id', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ sub: 'ann' })}` })],
    ['a numeric sub', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ sub: 5 })}` })],
    ['a sub above int64', 'invalid_token', () => ({ authorization: `Bearer ${craftToken({ sub: '9223372036854775808' })}` })],
  ])('%s → 401 %s, nothing sent', async (_name, error, headers) => {
    const before = await messageCount();
    const reply = await sendWith(headers());
    expect({ status: reply.status, error: reply.body.error }).toEqual({ status: 401, error });
    expect(await messageCount()).toBe(before);
  });

  it('checks the token before the body: no token and a bad body is 401', async () => {
    const reply = await api.request('POST', `/channels/${channelId}/messages`, { body: { nope: true } });
    expect(reply.status).toBe(401);
  });
});

describe('malformed requests', () => {
  const auth = () => ({ authorization: `Bearer ${ann.token}` });
  it.each<[string, number, string, () => Promise<{ status: number; body: any }>]>([
    [
      'malformed JSON',
      400,
      'malformed_json',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: auth(), body: '{"content": "x"' }),
    ],
    [
      'an empty JSON body',
      400,
      'empty_body',
      () =>
        api.request('POST', `/channels/${channelId}/messages`, { headers: { ...auth(), 'content-type': 'application/json' }, body: '' }),
    ],
    [
      'a JSON array body',
      400,
      'invalid_request',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: auth(), body: '[]' }),
    ],
    [
      'a text/plain body (parsed as a string, not an object)',
      400,
      'invalid_request',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: { ...auth(), 'content-type': 'text/plain' }, body: 'hi' }),
    ],
    [
      'an XML body',
      415,
      'unsupported_media_type',
      () =>
        api.request('POST', `/channels/${channelId}/messages`, { headers: { ...auth(), 'content-type': 'application/xml' }, body: '<a/>' }),
    ],
    [
      'a body over 64 KiB',
      413,
      'body_too_large',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: auth(), body: { content: 'x'.repeat(70_000) } }),
    ],
    [
      '__proto__ in the body',
      400,
      'malformed_json',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: auth(), body: '{"content":"x","__proto__":{"admin":true}}' }),
    ],
    [
      'a huge JSON number',
      400,
      'invalid_request',
      () => api.request('POST', `/channels/${channelId}/messages`, { headers: auth(), body: '{"content":"x","msgType":1e400}' }),
    ],
    [
      'an id above int64 in the path',
      400,
      'invalid_request',
      () => api.request('POST', '/channels/9223372036854775808/messages', { headers: auth(), body: { content: 'x' } }),
    ],
    [
      'a 25-digit id',
      400,
      'invalid_request',
      () => api.request('POST', '/channels/1234567890123456789012345/messages', { headers: auth(), body: { content: 'x' } }),
    ],
    ['id 0', 400, 'invalid_request', () => api.request('POST', '/channels/0/messages', { headers: auth(), body: { content: 'x' } })],
    [
      'an id with a leading zero',
      400,
      'invalid_request',
      () => api.request('POST', `/channels/0${channelId}/messages`, { headers: auth(), body: { content: 'x' } }),
    ],
    [
      'a negative id',
      400,
      'invalid_request',
      () => api.request('POST', '/channels/-1/messages', { headers: auth(), body: { content: 'x' } }),
    ],
    [
      'an id as a JSON number',
      400,
      'invalid_request',
      () => api.request('POST', '/direct-channels', { headers: auth(), body: `{"peerUserId": ${ann.id}}` }),
    ],
    ['a broken percent-encoding', 400, 'bad_url', () => api.request('POST', '/groups/%E0%A4%A/join', { headers: auth() })],
    [
      'a 300-digit path parameter',
      414,
      'url_too_long',
      () => api.request('POST', `/channels/${'1'.repeat(300)}/messages`, { headers: auth(), body: { content: 'x' } }),
    ],
    ['20 KB of headers', 431, 'headers_too_large', () => api.request('GET', '/health', { headers: { 'x-padding': 'a'.repeat(20_000) } })],
    ['an unknown route', 404, 'route_not_found', () => api.request('POST', '/channels', { headers: auth(), body: {} })],
    ['a wrong method', 404, 'route_not_found', () => api.request('GET', `/channels/${channelId}/messages`, { headers: auth() })],
  ])('%s → %i %s', async (_name, status, error, act) => {
    const before = await messageCount();
    const reply = await act();
    expect({ status: reply.status, error: reply.body.error }).toEqual({ status, error });
    expect(typeof reply.body.message).toBe('string');
    expect(await messageCount()).toBe(before);
  });
});

describe('requests that are not HTTP', () => {
  it('get a 400 in the same { error, message } shape', async () => {
    const { hostname, port } = new URL(api.baseUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write('HELLO THERE\r\n\r\n'));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'bad_http_request', message: expect.any(String) });
  });
});

describe('ids above 2^53', () => {
  it('every generated id survives the round trip exactly: JSON out, path in, database', async () => {
    const bob = await api.createUser('bob');
    await api.befriend(ann, bob);
    const direct = (await api.as(ann).post('/direct-channels', { peerUserId: bob.id })).body.channelId as string;
    const sent = await api.as(bob).post(`/channels/${direct}/messages`, { content: 'big ids' });
    const ids = [bob.id, direct, sent.body.messageId as string];
    for (const id of ids) {
      expect(BigInt(id) > 2n ** 53n).toBe(true);
      expect(Number.isSafeInteger(Number(id))).toBe(false);
    }
    const [row] = await api.query<{ id: string; channel_id: string; sender_id: string }>(
      'select id::text, channel_id::text, sender_id::text from messages where id = $1::bigint',
      [sent.body.messageId],
    );
    expect(row).toEqual({ id: sent.body.messageId, channel_id: direct, sender_id: bob.id });
    // And back in through a path parameter: the exact message is found and recalled.
    expect((await api.as(bob).post(`/channels/${direct}/messages/${sent.body.messageId}/recall`)).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('describes every command route, with bearer security on all but sign-up', async () => {
    const reply = await api.request('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
    const operations = Object.entries(reply.body.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        'POST /users',
        'PATCH /users/{userId}',
        'POST /friend-applications',
        'POST /friend-applications/{applicationId}/accept',
        'POST /friend-applications/{applicationId}/reject',
        'PUT /friends/{friendId}/remark',
        'DELETE /friends/{friendId}',
        'POST /direct-channels',
        'POST /groups',
        'PATCH /groups/{channelId}',
        'POST /groups/{channelId}/join',
        'POST /groups/{channelId}/members',
        'DELETE /groups/{channelId}/members/{userId}',
        'PUT /groups/{channelId}/members/{userId}/role',
        'POST /groups/{channelId}/leave',
        'POST /groups/{channelId}/dissolve',
        'POST /channels/{channelId}/messages',
        'POST /channels/{channelId}/messages/{messageId}/recall',
        'PUT /channels/{channelId}/read',
        'PATCH /channels/{channelId}/settings',
      ].sort(),
    );
    for (const { route, op } of operations) {
      expect({ route, secured: op.security !== undefined }).toEqual({ route, secured: route !== 'POST /users' });
      expect({ route, documents4xx: '4XX' in op.responses || '4xx' in op.responses }).toEqual({ route, documents4xx: true });
    }
  });
});
