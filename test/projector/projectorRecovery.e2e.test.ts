import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { sourceTopics } from '../../projector/config';
import { createReadPool } from '../../projector/db/readPool';
import { replayDeadLetters } from '../../projector/operations/replayDeadLetters';
import { resetCheckpoints } from '../../projector/store/checkpoints';
import { startProjectorProcess } from '../support/projectorProcess';
import { expectViewsMatchContract as expectViewsMatchContractOf } from '../support/viewsMatchContract';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { openCdcPipeline, type CdcPipeline } from '../support/cdcPipeline';
import { CDC_FORMATS, type CdcFormat } from '../../infra/settings/cdcFormatSettings';
import { changeRecordDecoderFor } from '../../projector/decode/decoderForFormat';
import { createGroup, createUsers, freshId, markRead, sendMessages } from '../support/writeSide';

/**
 * The projector as an operator sees it: killed with SIGKILL in the middle of a backlog,
 * replayed from the start over live views, fed a malformed record. Each time the views must end
 * exactly as the contract defines them (verify), with nothing counted twice and nothing lost. Once
 * in each CDC format (JSON, and Avro through the schema registry).
 */

const env = stackEnv();
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);

afterAll(async () => {
  await writePool.end();
  await read.end();
});

/** A record no decoder can apply, in each format: JSON cut short; Avro naming a schema id the registry does not have. */
const POISON: Readonly<Record<CdcFormat, { value: Buffer; error: string }>> = {
  json: { value: Buffer.from('{"after": {"id": "not a number"'), error: 'value is not JSON' },
  avro: { value: Buffer.from([0, 0x77, 0x35, 0x94, 0x00, 2, 4, 6]), error: 'schema id 2000000000 is not in the registry' },
};

describe.each(CDC_FORMATS)('projector recovery on the real stack, in %s', (format) => {
  const group = uniqueName(`recovery_${format}`);
  const deadLetterTopic = `${group}.dead-letters`;
  const members = Array.from({ length: 40 }, () => freshId());
  const channel = freshId();
  let cdc: CdcPipeline;
  let projector: ReturnType<typeof startProjectorProcess> | undefined;
  const projectorEnv = () => ({
    PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    PROJECTOR_GROUP_ID: group,
    DEAD_LETTER_TOPIC: deadLetterTopic,
    ...cdc.projectorEnv,
  });
  const topic = (table: string) => `${cdc.topicPrefix}.public.${table}`;
  const expectViewsMatchContract = () => expectViewsMatchContractOf(members);
  const captured = () => waitUntilCaptured(writePool, 60_000, cdc.slot);
  const caughtUp = () => waitUntilCaughtUp(read, env.kafkaBrokers, group, 120_000, cdc.topicPrefix);

  async function unreadOf(userId: bigint): Promise<number> {
    const { rows } = await read.query('select unread_count from user_conversation_view where user_id = $1 and channel_id = $2', [
      String(userId),
      String(channel),
    ]);
    return Number(rows[0]?.unread_count ?? -1);
  }

  async function messagesTopicEnd(): Promise<bigint> {
    const admin = new Kafka({ clientId: 'test-ends', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic('messages'));
    await admin.disconnect();
    return ends.reduce((sum, p) => sum + BigInt(p.high), 0n);
  }

  async function messagesApplied(): Promise<bigint> {
    const { rows } = await read.query<{ n: string }>(
      'select coalesce(sum(next_offset), 0)::text as n from projection_checkpoints where consumer_group = $1 and topic = $2',
      [group, topic('messages')],
    );
    return BigInt(rows[0]!.n);
  }

  /** Later tests also run alone (jest -t): they need a running projector of the group. */
  function ensureProjectorRunning(): void {
    projector ??= startProjectorProcess(projectorEnv());
  }

  async function stopProjector(): Promise<void> {
    if (projector === undefined) return;
    projector.child.kill('SIGTERM');
    await projector.exited;
    projector = undefined;
  }

  beforeAll(async () => {
    cdc = await openCdcPipeline(format);
    await createUsers(writePool, members, group);
    await createGroup(writePool, channel, members, 'recovery');
  });

  afterAll(async () => {
    await stopProjector();
    await cdc.close();
  });

  it('killed with SIGKILL in the middle of a backlog, restarted: views exact, nothing counted twice', async () => {
    // The backlog is written while no member of the group runs.
    for (let i = 0; i < 10; i += 1) await sendMessages(writePool, channel, members, 2_000);
    await markRead(writePool, members[0]!, channel, 5_000);
    await markRead(writePool, members[1]!, channel, 19_990);
    await captured();

    projector = startProjectorProcess(projectorEnv());
    // Kill as soon as part of the messages topic is applied, but before all of it is.
    await waitFor(async () => ((await messagesApplied()) > 0n ? true : undefined), {
      what: 'the projector to apply part of the backlog',
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    projector.child.kill('SIGKILL');
    await projector.exited;
    // The kill must have landed mid-backlog for the test to mean anything.
    expect(await messagesApplied()).toBeLessThan(await messagesTopicEnd());

    projector = startProjectorProcess(projectorEnv());
    await caughtUp();
    await expectViewsMatchContract();
    // 20,000 messages from 40 members in turn: each member sent 500.
    expect(await unreadOf(members[0]!)).toBe(15_000 - 375);
    expect(await unreadOf(members[1]!)).toBe(10 - 0);
    expect(await unreadOf(members[2]!)).toBe(20_000 - 500);
  });

  it('replayed from the start of every topic over live views: no row changes', async () => {
    ensureProjectorRunning();
    await caughtUp();
    const snapshot = async () =>
      (await read.query('select * from user_conversation_view where channel_id = $1 order by user_id', [String(channel)])).rows;
    const before = await snapshot();
    expect(before).toHaveLength(members.length);

    // Moving the checkpoints back fences the running member's claims; it re-claims and seeks to 0.
    expect(await resetCheckpoints(read, group, sourceTopics(cdc.topicPrefix), 0n)).toBeGreaterThan(0);
    // Every checkpoint is at 0 now, so caught up means every topic was applied again.
    await caughtUp();

    // projected_at included: an unchanged row is not even rewritten.
    expect(await snapshot()).toEqual(before);
    await expectViewsMatchContract();
  });

  it('a malformed record on a CDC topic is dead-lettered with its position, and the partition goes on', async () => {
    ensureProjectorRunning();
    const kafka = new Kafka({ clientId: 'test-poison', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const [sent] = await producer.send({
      topic: topic('users'),
      messages: [{ partition: 0, key: '{"id":1}', value: POISON[format].value }],
    });
    await producer.disconnect();
    const poisonOffset = sent!.baseOffset!;

    // A valid change after it, on the same topic.
    const renamed = members[5]!;
    await writePool.query("update users set nickname = 'after-poison', profile_ver = profile_ver + 1 where id = $1", [String(renamed)]);
    await captured();
    await caughtUp();

    const letters = await read.query(
      `select topic, partition, "offset"::text, error, error_kind, encode(raw_value, 'hex') as raw_value from projection_dead_letters
        where consumer_group = $1 and topic = $2 and partition = 0 and "offset" = $3`,
      [group, topic('users'), poisonOffset],
    );
    expect(letters.rows).toEqual([
      expect.objectContaining({
        error_kind: 'decode',
        raw_value: POISON[format].value.toString('hex'),
        error: expect.stringMatching(new RegExp(`${POISON[format].error}.*${topic('users')}/0@${poisonOffset}`)),
      }),
    ]);
    const { rows } = await read.query('select nickname from ref_users where id = $1', [String(renamed)]);
    expect(rows[0]?.nickname).toBe('after-poison');

    const dlq = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    const seen: string[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void seen.push(message.key?.toString() ?? '') });
    await waitFor(async () => (seen.includes(`${topic('users')}/0/${poisonOffset}`) ? true : undefined), {
      what: 'the dead letter on its topic',
      timeoutMs: 30_000,
    });
    await dlq.disconnect();
    await expectViewsMatchContract();
  });

  it('a dead letter replays once its value is repaired, and only once', async () => {
    const { rows } = await read.query<{ id: string }>(
      "select id::text from projection_dead_letters where consumer_group = $1 and error_kind = 'decode' and replayed_at is null order by id limit 1",
      [group],
    );
    const letter = rows[0]!.id;
    const { decoder } = changeRecordDecoderFor({ format, schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL });
    // Still malformed: replay refuses it and leaves it waiting.
    expect(await replayDeadLetters(read, [BigInt(letter)], decoder)).toEqual([
      expect.objectContaining({ result: 'failed', error: expect.stringContaining(POISON[format].error) }),
    ]);

    const ghost = freshId();
    const repaired = `{"before":null,"after":{"id":${ghost},"nickname":"repaired","avatar":"","profile_ver":1},"source":{"table":"users","lsn":1,"txId":1,"ts_ms":1},"op":"c"}`;
    await read.query("update projection_dead_letters set raw_value = convert_to($2, 'UTF8') where id = $1", [letter, repaired]);
    expect(await replayDeadLetters(read, [BigInt(letter)], decoder)).toEqual([expect.objectContaining({ result: 'applied' })]);
    expect(await replayDeadLetters(read, [BigInt(letter)], decoder)).toEqual([]);
    const stored = await read.query('select nickname from ref_users where id = $1', [String(ghost)]);
    expect(stored.rows).toEqual([{ nickname: 'repaired' }]);
  });
});
