import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import pino from 'pino';
import { createQueryPool } from '../../services/db/queryPool';
import { signUserToken } from '../../services/http/authentication';
import { createHttpApp } from '../../services/http/httpApp';
import { createReadModelQueries } from '../../services/queries/readModelQueries';
import { stackEnv } from '../support/stackEnv';
import { TEST_GUARDS, TEST_JWT, type ApiReply } from './writeApiHarness';

/** A user_conversation_view row as the fixtures write it: the contract's columns, ids as text. */
export interface ConversationFixture {
  user_id: string;
  channel_id: string;
  conversation_type: number;
  peer_user_id: string | null;
  peer_nickname: string;
  peer_avatar: string;
  remark_name: string;
  conversation_name: string;
  conversation_avatar: string;
  last_message_id: string | null;
  last_message_seq: string;
  last_message_type: number | null;
  last_message_content: string;
  last_message_sender_id: string | null;
  last_message_sender_name: string;
  /** ISO-8601 UTC with microseconds, as the API answers. */
  last_message_time: string | null;
  unread_count: number;
  is_pinned: boolean;
  is_muted: boolean;
  is_hidden: boolean;
  closed_at: string | null;
}

export interface ContactFixture {
  user_id: string;
  contact_user_id: string;
  remark_name: string;
  nickname: string;
  avatar: string;
  display_name: string;
  direct_channel_id: string | null;
  friends_since: string;
}

export interface FixtureUser {
  readonly id: string;
  readonly token: string;
}

/** Fresh ids far above 2^53 (from 2^56, a range the Snowflake generator has long left behind). */
export const freshId = (base = 2n ** 56n): string => (base + BigInt(`0x${randomBytes(6).toString('hex')}`)).toString();

const insertFrom = (table: string, columns: readonly string[]) =>
  `insert into ${table} (${columns.join(', ')}) select ${columns.join(', ')} from json_populate_recordset(null::${table}, $1::json)`;

/**
 * The query API built in-process on the stack's im_read (read-only pool), listening on a free
 * port, and a separate writable pool that plays the projector: it inserts fixture rows for fresh
 * users straight into the read models, and deletes them again on close. No projector needed.
 */
export async function createQueryApiHarness() {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const pool = createQueryPool({ databaseUrl: stackEnv().readerDatabaseUrl, poolSize: 4, logger });
  const app: FastifyInstance = await createHttpApp({
    config: { jwt: TEST_JWT, guards: TEST_GUARDS },
    logger,
    commands: null,
    queries: createReadModelQueries({ pool }),
  });
  // Over real HTTP: app.inject() cannot load under the jest transform (see writeApiHarness).
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const fixtures = new Pool({ connectionString: stackEnv().readDatabaseUrl, max: 2 });
  const owners: string[] = [];

  const newUser = (): FixtureUser => {
    const id = freshId();
    owners.push(id);
    return { id, token: signUserToken(app, BigInt(id)) };
  };

  const conversation = (user: FixtureUser, fields: Partial<ConversationFixture> = {}): ConversationFixture => ({
    user_id: user.id,
    channel_id: freshId(2n ** 60n),
    conversation_type: 2,
    peer_user_id: null,
    peer_nickname: '',
    peer_avatar: '',
    remark_name: '',
    conversation_name: 'group',
    conversation_avatar: '',
    last_message_id: null,
    last_message_seq: '0',
    last_message_type: null,
    last_message_content: '',
    last_message_sender_id: null,
    last_message_sender_name: '',
    last_message_time: null,
    unread_count: 0,
    is_pinned: false,
    is_muted: false,
    is_hidden: false,
    closed_at: null,
    ...fields,
  });

  const contact = (user: FixtureUser, fields: Partial<ContactFixture> = {}): ContactFixture => ({
    user_id: user.id,
    contact_user_id: freshId(),
    remark_name: '',
    nickname: 'friend',
    avatar: '',
    display_name: 'friend',
    direct_channel_id: null,
    friends_since: '2024-01-01T00:00:00.000000Z',
    ...fields,
  });

  const insertConversations = async (rows: readonly ConversationFixture[]) => {
    const columns = Object.keys(rows[0] ?? {});
    await fixtures.query(insertFrom('user_conversation_view', columns), [JSON.stringify(rows)]);
  };
  const insertContacts = async (rows: readonly ContactFixture[]) => {
    const columns = Object.keys(rows[0] ?? {});
    await fixtures.query(insertFrom('user_contact_view', columns), [JSON.stringify(rows)]);
  };

  const get = async (url: string, token?: string): Promise<ApiReply> => {
    const response = await fetch(`${baseUrl}${url}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  return {
    app,
    pool,
    fixtures,
    baseUrl,
    newUser,
    conversation,
    contact,
    insertConversations,
    insertContacts,
    get,
    async close() {
      await app.close();
      await pool.end();
      try {
        await fixtures.query('delete from user_conversation_view where user_id = any($1::bigint[])', [owners]);
        await fixtures.query('delete from user_contact_view where user_id = any($1::bigint[])', [owners]);
      } finally {
        await fixtures.end();
      }
    },
  };
}

export type QueryApiHarness = Awaited<ReturnType<typeof createQueryApiHarness>>;
