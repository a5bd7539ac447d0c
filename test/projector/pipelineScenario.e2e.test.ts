import { Kafka, logLevel } from 'kafkajs';
import { sourceTopics } from '../../projector/config';
import pino from 'pino';
import { createReadPool } from '../../projector/db/readPool';
import { verifyViews } from '../../projector/verify/verifyViews';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createQueryPool } from '../../services/db/queryPool';
import { createHttpApp } from '../../services/http/httpApp';
import { createReadModelQueries } from '../../services/queries/readModelQueries';
import { TEST_GUARDS, TEST_JWT, createWriteApiHarness, type TestUser, type WriteApiHarness } from '../services/writeApiHarness';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { openCdcPipeline, type CdcPipeline } from '../support/cdcPipeline';
import { CDC_FORMATS } from '../../infra/settings/cdcFormatSettings';

/**
 * The whole pipeline, as a product uses it: every write command through the HTTP API, Debezium,
 * Kafka, the projector as its own process; then verify says the views equal the contract and
 * the conversation list reads the way a user would expect. Once in each CDC format (JSON, and Avro
 * through the schema registry).
 */

const env = stackEnv();
const read = createReadPool(env.readDatabaseUrl);
let api: WriteApiHarness;
let queryApi: { app: FastifyInstance; baseUrl: string; pool: Pool };

interface ListRow {
  channelId: string;
  conversationType: number;
  conversationName: string;
  peerUserId: string | null;
  remarkName: string;
  lastMessageContent: string;
  lastMessageSenderName: string;
  unreadCount: number;
  isPinned: boolean;
}

/** The conversation list as the user's app reads it: the query API, every page. */
async function conversationList(user: TestUser): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${queryApi.baseUrl}/me/conversations?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${user.token}` } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { conversations: ListRow[]; nextCursor: string | null };
    rows.push(...page.conversations);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

async function ok<T = any>(reply: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await reply;
  if (status >= 300) throw new Error(`expected success, got ${status} ${JSON.stringify(body)}`);
  return body;
}

beforeAll(async () => {
  api = await createWriteApiHarness();
  const logger = pino({ level: 'silent' });
  const pool = createQueryPool({ databaseUrl: env.readerDatabaseUrl, poolSize: 2, logger });
  const app = await createHttpApp({
    config: { jwt: TEST_JWT, guards: TEST_GUARDS },
    logger,
    commands: null,
    queries: createReadModelQueries({ pool }),
  });
  queryApi = { app, pool, baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }) };
});

afterAll(async () => {
  await api.close();
  await queryApi.app.close();
  await queryApi.pool.end();
  await read.end();
});

describe.each(CDC_FORMATS)('the pipeline end to end, in %s', (format) => {
  const group = uniqueName(`scenario_${format}`);
  const users: TestUser[] = [];
  let cdc: CdcPipeline;
  let projector: ReturnType<typeof startProjectorProcess>;

  /** Where each partition ended before this test wrote anything. */
  const startOffsets = new Map<string, bigint>();

  beforeAll(async () => {
    cdc = await openCdcPipeline(format);
    const admin = new Kafka({ clientId: 'test-scenario', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    for (const topic of sourceTopics(cdc.topicPrefix))
      for (const p of await admin.fetchTopicOffsets(topic)) startOffsets.set(`${topic}/${p.partition}`, BigInt(p.high));
    await admin.disconnect();
    projector = startProjectorProcess({
      PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      PROJECTOR_GROUP_ID: group,
      ...cdc.projectorEnv,
    });
  });

  afterAll(async () => {
    projector.child.kill('SIGTERM');
    await projector.exited;
    await cdc.close();
  });

  it('every command, projected: views equal the contract and the list reads right', async () => {
    const [ann, bob, cid, dan, eve] = await Promise.all(['ann', 'bob', 'cid', 'dan', 'eve'].map((n) => api.createUser(n)));
    users.push(ann!, bob!, cid!, dan!, eve!);
    const as = api.as;

    // Profile, friendships (accept and reject), remarks.
    await ok(as(ann!).patch(`/users/${ann!.id}`, { avatar: 'ann.png' }));
    await api.befriend(ann!, bob!);
    await api.befriend(ann!, cid!);
    await api.befriend(bob!, cid!);
    const application = await ok(as(dan!).post('/friend-applications', { targetUserId: ann!.id }));
    await ok(as(ann!).post(`/friend-applications/${application.applicationId}/reject`));
    await ok(as(ann!).put(`/friends/${bob!.id}/remark`, { remarkName: 'Bobby' }));
    await ok(as(ann!).put(`/friends/${cid!.id}/remark`, { remarkName: 'C' }));
    await ok(as(ann!).put(`/friends/${cid!.id}/remark`, { remarkName: '' }));

    // Direct chats: messages both ways, a recall of the last one, a read pointer.
    const annBob = (await ok(as(ann!).post('/direct-channels', { peerUserId: bob!.id }))).channelId as string;
    await ok(as(ann!).post(`/channels/${annBob}/messages`, { content: 'hi bob' }));
    await ok(as(bob!).post(`/channels/${annBob}/messages`, { content: 'hi ann' }));
    const oops = await ok(as(bob!).post(`/channels/${annBob}/messages`, { content: 'oops' }));
    await ok(as(bob!).post(`/channels/${annBob}/messages/${oops.messageId}/recall`));
    const annCid = (await ok(as(cid!).post('/direct-channels', { peerUserId: ann!.id }))).channelId as string;
    await ok(as(cid!).post(`/channels/${annCid}/messages`, { content: 'see you' }));
    await ok(as(ann!).put(`/channels/${annCid}/read`, { seq: '1' }));

    // A group: rename, avatar, join, add, remove, leave and rejoin, settings.
    const team = (await ok(as(ann!).post('/groups', { name: 'team', memberIds: [bob!.id, cid!.id] }))).channelId as string;
    await ok(as(ann!).patch(`/groups/${team}`, { name: 'the team', avatar: 'team.png' }));
    await ok(as(dan!).post(`/groups/${team}/join`));
    await ok(as(ann!).post(`/groups/${team}/members`, { userId: eve!.id }));
    await ok(as(ann!).delete(`/groups/${team}/members/${eve!.id}`));
    await ok(as(bob!).post(`/groups/${team}/leave`));
    await ok(as(bob!).post(`/groups/${team}/join`));
    for (let i = 1; i <= 5; i += 1) await ok(as(i % 2 === 0 ? dan! : bob!).post(`/channels/${team}/messages`, { content: `team ${i}` }));
    await ok(as(ann!).put(`/channels/${team}/read`, { seq: '2' }));
    await ok(as(ann!).patch(`/channels/${team}/settings`, { pinned: true, muted: true }));
    await ok(as(cid!).post(`/groups/${team}/leave`));

    // A dissolved group, a hidden conversation, an unfriend, and a rename of a last sender.
    const temp = (await ok(as(ann!).post('/groups', { name: 'temp', memberIds: [dan!.id] }))).channelId as string;
    await ok(as(dan!).post(`/channels/${temp}/messages`, { content: 'bye' }));
    await ok(as(ann!).post(`/groups/${temp}/dissolve`));
    await ok(as(ann!).patch(`/channels/${annCid}/settings`, { hidden: true }));
    await ok(as(ann!).delete(`/friends/${cid!.id}`));
    await ok(as(bob!).patch(`/users/${bob!.id}`, { nickname: 'Robert' }));

    await waitUntilCaptured(api.pool, 60_000, cdc.slot);
    await waitUntilCaughtUp(read, env.kafkaBrokers, group, 120_000, cdc.topicPrefix);
    // Caught up by applying every record this test wrote, not by dead-lettering any (the stack's
    // topics also hold malformed records other suites wrote on purpose, before these).
    const letters = await read.query<{ topic: string; partition: number; offset: string; error: string }>(
      'select topic, partition, "offset"::text, error from projection_dead_letters where consumer_group = $1',
      [group],
    );
    expect(letters.rows.filter((l) => BigInt(l.offset) >= (startOffsets.get(`${l.topic}/${l.partition}`) ?? 0n))).toEqual([]);

    const result = await verifyViews({
      writePool: api.pool,
      readPool: read,
      logger: pino({ level: 'warn' }),
      owners: users.map((u) => u.id),
    });
    expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
    expect(result.views.find((v) => v.view === 'user_conversation_view')?.expectedRows).toBeGreaterThanOrEqual(10);

    // What ann sees: the pinned group first, then the chat with bob; the hidden chat with cid
    // and the dissolved group are not listed.
    const list = await conversationList(ann!);
    expect(list.map((r) => r.channelId)).toEqual([team, annBob]);
    expect(list[0]).toMatchObject({
      conversationName: 'the team',
      isPinned: true,
      unreadCount: 3,
      lastMessageContent: 'team 5',
      lastMessageSenderName: 'Robert',
    });
    // Remark wins over the (new) nickname; bob's recalled message shows as empty and is not unread.
    expect(list[1]).toMatchObject({
      conversationType: 1,
      conversationName: 'Bobby',
      remarkName: 'Bobby',
      lastMessageContent: '',
      unreadCount: 1,
      lastMessageSenderName: 'Robert',
      peerUserId: bob!.id,
    });

    // Contacts: ann's only friend is now bob (cid was unfriended, both rows); bob still has both.
    const contacts = await read.query(
      'select contact_user_id::text, display_name, direct_channel_id::text from user_contact_view where user_id = $1',
      [ann!.id],
    );
    expect(contacts.rows).toEqual([{ contact_user_id: bob!.id, display_name: 'Bobby', direct_channel_id: annBob }]);
    const bobsContacts = await read.query(
      'select contact_user_id::text, nickname, display_name from user_contact_view where user_id = $1 order by 1',
      [bob!.id],
    );
    expect(bobsContacts.rows).toEqual(
      [
        { contact_user_id: ann!.id, nickname: 'ann', display_name: 'ann' },
        { contact_user_id: cid!.id, nickname: 'cid', display_name: 'cid' },
      ].sort((x, y) => (BigInt(x.contact_user_id) < BigInt(y.contact_user_id) ? -1 : 1)),
    );
  });
});
