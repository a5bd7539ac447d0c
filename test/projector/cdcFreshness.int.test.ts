import { Kafka, logLevel } from 'kafkajs';
import { heartbeatAge, heartbeatTopic } from '../../projector/operations/cdcFreshness';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * `projector -- lag` tells "caught up with Kafka" from "caught up with the database" by the
 * heartbeats Debezium writes while it streams: the age of the last one, as a bound.
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

it('given the running connector, then its last heartbeat is at most 10 s old', async () => {
  const age = await heartbeatAge(admin, 'im');
  expect(age.withinSeconds).not.toBeNull();
  expect(age.withinSeconds).toBeLessThanOrEqual(10);
});

it('given heartbeats that stopped two minutes ago, then the age is within 5 minutes; given a new one, within 5 s', async () => {
  const prefix = uniqueName('silent');
  const topic = heartbeatTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    // The last heartbeat two minutes ago: the connector stopped then.
    await producer.send({ topic, messages: [{ value: 'beat', timestamp: String(Date.now() - 120_000) }] });
    expect(await heartbeatAge(admin, prefix, { confirmMs: 500 })).toEqual({ withinSeconds: 300, windowSeconds: 3600 });

    await producer.send({ topic, messages: [{ value: 'beat' }] });
    expect(await heartbeatAge(admin, prefix)).toEqual({ withinSeconds: 5, windowSeconds: 3600 });
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
    expect(await heartbeatAge(admin, prefix, { now: Date.now() + 600_000, pause: beatWhileConfirming })).toEqual({
      withinSeconds: 15,
      windowSeconds: 3600,
    });
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
});

it('given no heartbeat topic at all, then it says so rather than guessing', async () => {
  await expect(heartbeatAge(admin, uniqueName('absent'))).rejects.toThrow(/does not exist: the connector never streamed/);
});
