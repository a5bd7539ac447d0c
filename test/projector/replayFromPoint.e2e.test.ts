import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createReadPool } from '../../projector/db/readPool';
import { checkpointsOfGroup } from '../../projector/store/checkpoints';
import { runCli } from '../support/cliProcess';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * `npm run projector -- replay --from <time>` and `--topic/--partition/--offset` as an operator
 * runs them, against a running projector: rows lost from im_read after the time come back, the
 * checkpoints move back to exactly Kafka's offsets for that time (never forward), and a replay
 * that asks for deleted history is refused with the way out.
 */

const env = stackEnv();
const group = uniqueName('replay');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const kafka = new Kafka({ clientId: 'test-replay', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const baseEnv = { PROJECTOR_DATABASE_URL: env.readDatabaseUrl, KAFKA_BROKERS: env.kafkaBrokers.join(','), PROJECTOR_GROUP_ID: group };
const members = Array.from({ length: 4 }, () => freshId());
const channel = freshId();
const projector = startProjectorProcess({ ...baseEnv, DEAD_LETTER_TOPIC: `${group}.dead-letters` });

const runProjectorCli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli('projector/operations/main.ts', args, { LOG_LEVEL: 'silent', ...baseEnv, ...extraEnv });

const conversationRows = async () =>
  (
    await read.query('select user_id, last_message_seq from user_conversation_view where channel_id = $1 order by user_id', [
      String(channel),
    ])
  ).rows;

beforeAll(async () => {
  await admin.connect();
  await createUsers(writePool, members, group);
  await createGroup(writePool, channel, members, 'replay');
  await sendMessages(writePool, channel, members, 3);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
});

afterAll(async () => {
  projector.child.kill('SIGTERM');
  await projector.exited;
  await admin.disconnect();
  await Promise.all([writePool.end(), read.end()]);
});

it('replay --from a time re-applies what came after it: rows lost from im_read come back, and checkpoints move to the offsets for that time', async () => {
  // Everything before this instant is in Kafka already (captured), so its records are older.
  const at = new Date();
  await sendMessages(writePool, channel, members, 2);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  const applied = await conversationRows();
  expect(applied.map((r) => Number(r.last_message_seq))).toEqual(members.map(() => 5));

  // A lost write in im_read: the channel's rows disappear.
  await read.query('delete from user_conversation_view where channel_id = $1', [String(channel)]);
  const expectedTargets = await admin.fetchTopicOffsetsByTimestamp('im.public.messages', at.getTime());

  const run = await runProjectorCli(['replay', '--from', at.toISOString()]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/partition checkpoints of group .* moved back/);

  // Each moved messages partition went back to exactly Kafka's offset for the time, no further.
  const moved = [...run.stdout.matchAll(/^im\.public\.messages\/(\d+)\s+\d+ -> (\d+)$/gm)].map((m) => [Number(m[1]), m[2]]);
  expect(moved.length).toBeGreaterThan(0);
  for (const [partition, to] of moved) expect(to).toBe(expectedTargets.find((t) => t.partition === partition)?.offset);
  // Users were all written before the time: their topic is not replayed.
  expect(run.stdout).not.toMatch(/^im\.public\.users\//m);

  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  expect(await conversationRows()).toEqual(applied);
  await expectViewsMatchContract(members);
});

it('replay never moves a checkpoint forward: a time in the future moves nothing', async () => {
  const before = await checkpointsOfGroup(read, group);
  const run = await runProjectorCli(['replay', '--from', new Date(Date.now() + 3_600_000).toISOString()]);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^0 partition checkpoints of group .* moved back/m);
  expect((await checkpointsOfGroup(read, group)).map((c) => [c.topic, c.partition, c.nextOffset])).toEqual(
    before.map((c) => [c.topic, c.partition, c.nextOffset]),
  );
});

it('replay from an offset whose records were deleted is refused, pointing at the re-snapshot; one past the end is a usage error', async () => {
  const prefix = uniqueName('gone');
  const topic = `${prefix}.public.users`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    // The admin client must know the new topic's leader before it can delete records there.
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });

    const gone = await runProjectorCli(['replay', '--topic', topic, '--partition', '0', '--offset', '0'], { TOPIC_PREFIX: prefix });
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain(`${topic}/0: records before offset 2 were deleted`);
    expect(gone.stderr).toContain('npm run stack -- resnapshot');

    const past = await runProjectorCli(['replay', '--topic', topic, '--partition', '0', '--offset', '9'], { TOPIC_PREFIX: prefix });
    expect(past.status).toBe(2);
    expect(past.stderr).toContain(`offset 9 is past the end of ${topic}/0 (3)`);
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
});
