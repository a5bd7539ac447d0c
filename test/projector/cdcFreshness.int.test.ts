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
const producer = kafka.producer();

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

it('given the running connector, then CDC is streaming', async () => {
  expect(await cdcFreshness(admin, 'im', 30_000)).toEqual({ kind: 'streaming' });
});

it('given heartbeats that stopped, then CDC is silent; given a new one, it streams again', async () => {
  const prefix = uniqueName('silent');
  const topic = heartbeatTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    // The last heartbeat two minutes ago: the connector stopped then.
    await producer.send({ topic, messages: [{ value: 'beat', timestamp: String(Date.now() - 120_000) }] });
    expect(await cdcFreshness(admin, prefix, 30_000)).toEqual({ kind: 'silent', windowMs: 30_000 });

    await producer.send({ topic, messages: [{ value: 'beat' }] });
    expect(await cdcFreshness(admin, prefix, 30_000)).toEqual({ kind: 'streaming' });
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
});
