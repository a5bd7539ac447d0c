import { createHash, randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import pino from 'pino';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { createRecordValueReader } from '../../connectors/recordValues';
import { verifyViews } from '../../projector/verify/verifyViews';
import type { CommandResult } from '../../services/commands/commandResult';
import { createWriteCommands } from '../../services/commands/writeCommands';
import { createIdGenerator } from '../../services/ids/idGenerator';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * Long text values that PostgreSQL stores out of line (TOAST) survive UPDATEs that leave them
 * unchanged, from im_write through Debezium and the projector to the views. Under REPLICA
 * IDENTITY DEFAULT such an UPDATE reaches Kafka with Debezium's placeholder instead of the value;
 * the write-side migration sets FULL on the tables concerned, and the projector never writes the
 * placeholder anywhere. Writes go through the write commands the services run (no HTTP: its
 * schemas cap avatars at 1024 characters, other writers may store more).
 */

/** Random base64 does not compress, so PostgreSQL moves it out of line (TOAST) above about 2 KB. */
const incompressible = (bytes: number) => randomBytes(bytes).toString('base64');
/** Long values compared by length and digest, so a failure prints a line, not 12,000 characters. */
const short = (value: unknown): unknown =>
  typeof value === 'string' && value.length > 64
    ? `${value.length} chars, sha256 ${createHash('sha256').update(value).digest('hex').slice(0, 16)}`
    : value;
const shortRow = (row: Record<string, unknown> | undefined) =>
  row === undefined ? undefined : Object.fromEntries(Object.entries(row).map(([k, v]) => [k, short(v)]));

const env = stackEnv();
const group = uniqueName('toast');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const logger = pino({ level: 'warn' });
const commands = createWriteCommands({ pool: writePool, ids: createIdGenerator({ workerId: Math.floor(Math.random() * 1024) }), logger });
let projector: ReturnType<typeof startProjectorProcess> | undefined;
let reader: UpdateEventReader;

const annAvatar = incompressible(9_000);
let ann: bigint;
let bob: bigint;
let direct: bigint;

function valueOf<T>(result: CommandResult<T>): T {
  if (!result.ok) throw new Error(`command refused: ${result.rejection.code}: ${result.rejection.message}`);
  return result.value;
}

/** The views reflect every write made so far. */
async function caughtUp(): Promise<void> {
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
}

async function conversationRow(userId: bigint, channelId: bigint) {
  const { rows } = await read.query(
    `select peer_nickname, peer_avatar, remark_name, conversation_name, conversation_avatar, last_message_content,
            last_message_seq, unread_count, closed_at
       from user_conversation_view where user_id = $1 and channel_id = $2`,
    [String(userId), String(channelId)],
  );
  return shortRow(rows[0]);
}

async function contactRow(userId: bigint, contactUserId: bigint) {
  const { rows } = await read.query(
    'select nickname, avatar, remark_name, display_name from user_contact_view where user_id = $1 and contact_user_id = $2',
    [String(userId), String(contactUserId)],
  );
  return shortRow(rows[0]);
}

async function writeSide<Row>(text: string, values: unknown[]): Promise<Row> {
  const { rows } = await writePool.query(text, values);
  return rows[0] as Row;
}

/** verify, scoped to this test's users, and no dead letter of this group mentions them. */
async function expectCleanFor(userIds: readonly bigint[]): Promise<void> {
  const result = await verifyViews({
    writeUrl: env.verifierWriteDatabaseUrl,
    readUrl: env.verifierReadDatabaseUrl,
    logger,
    owners: userIds.map(String),
  });
  expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
  expect(result.matches).toBe(true);
  const letters = await read.query(
    `select topic, partition, "offset"::text, error from projection_dead_letters
      where consumer_group = $1 and exists (select 1 from unnest($2::text[]) id where position(id in convert_from(raw_value, 'UTF8')) > 0)`,
    [group, userIds.map(String)],
  );
  expect(letters.rows).toEqual([]);
}

interface UpdateEvent {
  readonly table: string;
  readonly key: Record<string, unknown>;
  readonly after: Record<string, unknown>;
}

/**
 * The update events the pipeline's connector writes from now on. Its topics are shared: the reader
 * starts at their current ends, and passes over records in no format (other tests write
 * malformed ones on purpose).
 */
async function updateEventReader(tables: readonly string[]) {
  const kafka = new Kafka({ clientId: 'toast-test', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const topics = tables.map((t) => `im.public.${t}`);
  const admin = kafka.admin();
  await admin.connect();
  const starts = new Map<string, string>();
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) starts.set(`${topic}/${p.partition}`, p.high);
  await admin.disconnect();

  const values = createRecordValueReader({ schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL });
  const events: UpdateEvent[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('toast-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (BigInt(message.offset) < BigInt(starts.get(`${topic}/${partition}`) ?? '0') || message.key === null || message.value === null)
        return;
      // In the stack's format, JSON or Avro; null for what is in neither.
      const key = await values(message.key);
      const value = (await values(message.value)) as { op?: unknown; after?: unknown } | null;
      if (key === null || value === null) return;
      if (value.op === 'u')
        events.push({
          table: topic.slice('im.public.'.length),
          key: key as Record<string, unknown>,
          after: value.after as Record<string, unknown>,
        });
    },
  });
  for (const [at, offset] of starts) {
    const [topic = '', partition = '0'] = at.split('/');
    consumer.seek({ topic, partition: Number(partition), offset });
  }

  return {
    /** Waits for `count` update events of `table` whose key matches, in the order they arrived. */
    updates: (table: string, keyMatch: (key: Record<string, unknown>) => boolean, count: number) =>
      waitFor(
        async () => {
          const picked = events.filter((e) => e.table === table && keyMatch(e.key));
          return picked.length >= count ? picked.map((e) => e.after) : undefined;
        },
        { what: `${count} update events of ${table}`, timeoutMs: 60_000, intervalMs: 100 },
      ),
    stop: () => consumer.disconnect(),
  };
}
type UpdateEventReader = Awaited<ReturnType<typeof updateEventReader>>;

beforeAll(async () => {
  reader = await updateEventReader(['users', 'channels', 'messages', 'friendships']);
  ann = valueOf(await commands.createUser({ nickname: 'ann', avatar: annAvatar })).id;
  bob = valueOf(await commands.createUser({ nickname: 'bob', avatar: '' })).id;
  const applied = valueOf(await commands.applyForFriendship({ actorId: ann, targetUserId: bob, message: '' }));
  valueOf(await commands.acceptFriendApplication({ actorId: bob, applicationId: applied.applicationId }));
  direct = valueOf(await commands.openDirectChannel({ actorId: ann, peerUserId: bob })).channelId;
  projector = startProjectorProcess({
    PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    PROJECTOR_GROUP_ID: group,
    DEAD_LETTER_TOPIC: `${group}.dead-letters`,
  });
  await caughtUp();
});

afterAll(async () => {
  if (projector !== undefined) {
    projector.child.kill('SIGTERM');
    await projector.exited;
  }
  await reader?.stop();
  await writePool.end();
  await read.end();
});

describe('long (TOASTed) text values through the pipeline', () => {
  it('a nickname-only change of a user with a long avatar: conversation and contact keep the avatar', async () => {
    valueOf(await commands.changeProfile({ actorId: ann, userId: ann, nickname: 'ann-renamed' }));
    await caughtUp();

    const source = await writeSide<{ nickname: string; avatar: string }>('select nickname, avatar from users where id = $1', [String(ann)]);
    expect(shortRow(source)).toEqual({ nickname: 'ann-renamed', avatar: short(annAvatar) });
    expect(await conversationRow(bob, direct)).toMatchObject({
      peer_nickname: 'ann-renamed',
      peer_avatar: short(source.avatar),
      conversation_avatar: short(source.avatar),
    });
    expect(await contactRow(bob, ann)).toMatchObject({
      nickname: 'ann-renamed',
      avatar: short(source.avatar),
      display_name: 'ann-renamed',
    });
    await expectCleanFor([ann, bob]);
    // Debezium itself sends the unchanged value (REPLICA IDENTITY FULL), not its placeholder.
    const updates = await reader.updates('users', (k) => k.id === ann, 1);
    expect(updates.map((after) => short(after.avatar))).toEqual([short(annAvatar)]);
  });

  it('a group with a long avatar, renamed (to a long name) and then dissolved, keeps its avatar and name', async () => {
    const groupAvatar = incompressible(9_000);
    const { channelId } = valueOf(await commands.createGroup({ actorId: ann, name: 'toast group', avatar: groupAvatar, memberIds: [bob] }));
    const longName = incompressible(6_000);
    valueOf(await commands.changeGroupInfo({ actorId: ann, channelId, name: longName }));
    await caughtUp();
    for (const member of [ann, bob]) {
      expect(await conversationRow(member, channelId)).toMatchObject({
        conversation_name: short(longName),
        conversation_avatar: short(groupAvatar),
        closed_at: null,
      });
    }

    valueOf(await commands.dissolveGroup({ actorId: ann, channelId }));
    await caughtUp();
    const source = await writeSide<{ channel_name: string; channel_avatar: string; dissolved_at: Date | null }>(
      'select channel_name, channel_avatar, dissolved_at from channels where id = $1',
      [String(channelId)],
    );
    expect(shortRow(source)).toEqual({ channel_name: short(longName), channel_avatar: short(groupAvatar), dissolved_at: expect.any(Date) });
    for (const member of [ann, bob]) {
      expect(await conversationRow(member, channelId)).toMatchObject({
        conversation_name: short(source.channel_name),
        conversation_avatar: short(source.channel_avatar),
        closed_at: expect.any(String),
      });
    }
    await expectCleanFor([ann, bob]);
    const updates = await reader.updates('channels', (k) => k.id === channelId, 2);
    expect(updates.map((after) => [short(after.channel_name), short(after.channel_avatar)])).toEqual([
      [short(longName), short(groupAvatar)],
      [short(longName), short(groupAvatar)],
    ]);
  });

  it('a message with long content, recalled: the conversation shows the recall, the reference copy keeps the content', async () => {
    const content = incompressible(9_000);
    const sent = valueOf(await commands.sendMessage({ actorId: ann, channelId: direct, msgType: 1, content }));
    await caughtUp();
    expect(await conversationRow(bob, direct)).toMatchObject({ last_message_content: short(content), unread_count: 1 });

    valueOf(await commands.recallMessage({ actorId: ann, channelId: direct, messageId: sent.messageId }));
    await caughtUp();
    expect(await conversationRow(bob, direct)).toMatchObject({ last_message_seq: sent.seq, last_message_content: '', unread_count: 0 });
    const stored = await read.query('select content, recalled from ref_last_messages where channel_id = $1', [String(direct)]);
    expect(stored.rows.map(shortRow)).toEqual([{ content: short(content), recalled: true }]);
    await expectCleanFor([ann, bob]);
    const updates = await reader.updates('messages', (k) => k.channel_id === direct, 1);
    expect(updates.map((after) => short(after.content))).toEqual([short(content)]);
  });

  it('a friendship row updated without changing its long remark keeps the remark', async () => {
    const remark = incompressible(6_000);
    valueOf(await commands.setRemark({ actorId: bob, friendId: ann, remarkName: remark }));
    // Any writer may update the row and leave the remark as it is (the contract: friend_ver + 1).
    await writePool.query('update friendships set friend_ver = friend_ver + 1, updated_at = now() where user_id = $1 and friend_id = $2', [
      String(bob),
      String(ann),
    ]);
    await caughtUp();

    expect(await contactRow(bob, ann)).toMatchObject({ remark_name: short(remark), display_name: short(remark) });
    expect(await conversationRow(bob, direct)).toMatchObject({ remark_name: short(remark), conversation_name: short(remark) });
    await expectCleanFor([ann, bob]);
    const updates = await reader.updates('friendships', (k) => k.user_id === bob && k.friend_id === ann, 2);
    expect(updates.map((after) => short(after.remark_name))).toEqual([short(remark), short(remark)]);
  });
});
