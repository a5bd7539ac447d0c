import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import pino from 'pino';
import { createWriteCommands } from '../../services/commands/writeCommands';
import type { JwtSettings } from '../../services/config';
import type { RequestGuards } from '../../services/http/requestGuards';
import { createHttpApp } from '../../services/http/httpApp';
import { createIdGenerator } from '../../services/ids/idGenerator';
import { stackEnv } from '../support/stackEnv';

export const TEST_JWT: JwtSettings = {
  secret: 'write-api-tests-secret-0123456789abcdef',
  previousSecrets: [],
  usesDevSecret: false,
  tokenTtlSeconds: 3600,
};

/** Limits far above what a test sends from its one address (test/services/requestGuards tests the limits themselves). */
export const TEST_GUARDS: RequestGuards = {
  signupsPerAddressPerMinute: 1_000_000,
  commandsPerAddressPerMinute: 10_000_000,
  commandsPerUserPerMinute: 10_000_000,
  corsOrigins: [],
  trustedProxies: [],
};

export interface ApiReply {
  readonly status: number;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: any;
}

/** A reply with its headers, for the tests about them (compared whole, a reply is status and body). */
export interface ApiReplyWithHeaders extends ApiReply {
  readonly headers: Headers;
}

export interface TestUser {
  readonly id: string;
  readonly token: string;
  readonly nickname: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The write API built in-process against the stack's im_write, listening on a free port. The
 * ids come from the real generator (above 2^53) with a random worker id, so concurrent test
 * files never collide and every run owns fresh rows in the shared database.
 */
export async function createWriteApiHarness({
  jwt = TEST_JWT,
  guards = TEST_GUARDS,
  databaseUrl = stackEnv().writeDatabaseUrl,
}: { jwt?: JwtSettings; guards?: RequestGuards; databaseUrl?: string } = {}) {
  const pool = new Pool({ connectionString: databaseUrl, max: 20 });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const commands = createWriteCommands({ pool, ids: createIdGenerator({ workerId: Math.floor(Math.random() * 1024) }), logger });
  const app: FastifyInstance = await createHttpApp({ config: { jwt, guards }, logger, commands, queries: null });

  // Over real HTTP on a free port: app.inject() needs light-my-request, whose ESM-only
  // dependency the jest transform (ts files only) cannot load.
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  const requestWithHeaders = async (
    method: Method | 'OPTIONS',
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiReplyWithHeaders> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  };
  const request = async (
    method: Method,
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiReply> => {
    const { status, body } = await requestWithHeaders(method, url, options);
    return { status, body };
  };

  const createUser = async (nickname = 'user'): Promise<TestUser> => {
    const reply = await request('POST', '/users', { body: { nickname } });
    if (reply.status !== 201) throw new Error(`createUser: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { id: reply.body.user.id, token: reply.body.token, nickname };
  };

  /** Requests made as `user`. */
  const as = (user: TestUser) => ({
    post: (url: string, body?: unknown) => request('POST', url, { token: user.token, body }),
    put: (url: string, body?: unknown) => request('PUT', url, { token: user.token, body }),
    patch: (url: string, body?: unknown) => request('PATCH', url, { token: user.token, body }),
    delete: (url: string) => request('DELETE', url, { token: user.token }),
  });

  /** Two users made friends through an application and its acceptance. */
  const befriend = async (a: TestUser, b: TestUser): Promise<void> => {
    const applied = await as(a).post('/friend-applications', { targetUserId: b.id });
    const acceptedReply = await as(b).post(`/friend-applications/${applied.body.applicationId}/accept`);
    if (acceptedReply.status !== 200) throw new Error(`befriend: ${acceptedReply.status} ${JSON.stringify(acceptedReply.body)}`);
  };

  const query = async <Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> =>
    (await pool.query(text, values)).rows as Row[];

  return {
    app,
    pool,
    baseUrl,
    request,
    requestWithHeaders,
    createUser,
    as,
    befriend,
    query,
    snapshot: (userIds: readonly string[], channelIds: readonly string[] = []) => snapshotOf(pool, userIds, channelIds),
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

export type WriteApiHarness = Awaited<ReturnType<typeof createWriteApiHarness>>;

/**
 * Every row of the seven contract tables that touches these users or channels, ids as text, in
 * a fixed order: equal snapshots before and after a refused command mean it changed nothing.
 */
async function snapshotOf(pool: Pool, userIds: readonly string[], channelIds: readonly string[]) {
  const rows = async (text: string) => (await pool.query(text, text.includes('$2') ? [userIds, channelIds] : [userIds])).rows;
  return {
    users: await rows(
      `select id::text, nickname, avatar, profile_ver, updated_at from users where id = any($1::bigint[]) order by users.id`,
    ),
    channels: await rows(
      `select id::text, channel_type, channel_name, channel_avatar, owner_user_id::text, channel_info_ver, updated_at, dissolved_at
         from channels where id = any($2::bigint[]) or owner_user_id = any($1::bigint[]) order by channels.id`,
    ),
    channelMembers: await rows(
      `select channel_id::text, user_id::text, role, joined_at, left_at, is_pinned, is_muted, is_hidden, member_ver
         from channel_members where channel_id = any($2::bigint[]) or user_id = any($1::bigint[]) order by channel_members.channel_id, channel_members.user_id`,
    ),
    messages: await rows(
      `select id::text, channel_id::text, seq::text, sender_id::text, msg_type, content, recalled_at
         from messages where channel_id = any($2::bigint[]) or sender_id = any($1::bigint[]) order by messages.id`,
    ),
    readRecords: await rows(
      `select user_id::text, channel_id::text, last_read_seq::text, updated_at
         from channel_read_records where user_id = any($1::bigint[]) or channel_id = any($2::bigint[]) order by channel_read_records.user_id, channel_read_records.channel_id`,
    ),
    friendships: await rows(
      `select user_id::text, friend_id::text, remark_name, friend_ver, updated_at
         from friendships where user_id = any($1::bigint[]) or friend_id = any($1::bigint[]) order by friendships.user_id, friendships.friend_id`,
    ),
    applications: await rows(
      `select id::text, applicant_id::text, target_type, target_id::text, message, status, handled_at
         from channel_applications where applicant_id = any($1::bigint[]) or target_id = any($1::bigint[]) or target_id = any($2::bigint[])
        order by channel_applications.id`,
    ),
  };
}
