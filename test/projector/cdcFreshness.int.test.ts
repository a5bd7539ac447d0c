import { Kafka, logLevel } from 'kafkajs';
import { cdcFreshness, heartbeatTopic } from '../../projector/operations/cdcFreshness';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * `projector -- lag` tells "caught up with Kafka" from "caught up with the database" by the
 * heartbeats Debezium writes while it streams: none within the window means CDC is silent.
 */

const env = stackEnv();
const kafka = new Kafka({ clientId: 'test-cdc-freshness', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
// A new producer per test: one that wrote to a topic a test then deleted keeps failing on it.
let producer = kafka.producer();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());
beforeEach(async () => {
  producer = kafka.producer();
  await producer.connect();
});
afterEach(() => producer.disconnect());

it('given the running connector, then CDC is streaming', async () => {
  expect(await cdcFreshness(admin, 'im', { windowMs: 30_000 })).toEqual({ kind: 'streaming' });
});

it('given heartbeats that stopped, then CDC is silent; given a new one, it streams again', async () => {
  const prefix = uniqueName('silent');
  const topic = heartbeatTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    // The last heartbeat two minutes ago: the connector stopped then.
    await producer.send({ topic, messages: [{ value: 'beat', timestamp: String(Date.now() - 120_000) }] });
    expect(await cdcFreshness(admin, prefix, { windowMs: 30_000, confirmMs: 500 })).toEqual({ kind: 'silent', windowMs: 30_000 });

    await producer.send({ topic, messages: [{ value: 'beat' }] });
    expect(await cdcFreshness(admin, prefix, { windowMs: 30_000 })).toEqual({ kind: 'streaming' });
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
});

it('given a clock ahead of the heartbeats, then a heartbeat that keeps coming still counts as streaming', async () => {
  const prefix = uniqueName('skewed');
  const topic = heartbeatTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    // Our clock reads 10 minutes ahead: by it every heartbeat is old. One arrives while it looks.
    await producer.send({ topic, messages: [{ value: 'beat' }] });
    const beatWhileConfirming = async () => {
      await producer.send({ topic, messages: [{ value: 'beat' }] });
    };
    expect(await cdcFreshness(admin, prefix, { windowMs: 30_000, now: Date.now() + 600_000, pause: beatWhileConfirming })).toEqual({
      kind: 'streaming',
    });
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
});

it('given no heartbeat topic at all, then it says so rather than guessing', async () => {
  expect(await cdcFreshness(admin, uniqueName('absent'), { windowMs: 30_000 })).toMatchObject({ kind: 'unknown' });
});
