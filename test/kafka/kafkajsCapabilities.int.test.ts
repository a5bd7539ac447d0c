import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { waitFor } from '../../infra/stack/waitFor';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * What the projector needs from kafkajs, checked against the real broker (Kafka 3.9, KRaft):
 * group join and rebalance, eachBatch with manual commits, seek, pause/resume, and the admin
 * calls a lag table is built from.
 */

const env = stackEnv();
const kafka = new Kafka({ clientId: 'kafkajs-check', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const topic = uniqueName('kafkajs_check');
const PARTITIONS = 4;
const consumers: Consumer[] = [];

function consumer(groupId: string): Consumer {
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 500, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  consumers.push(c);
  return c;
}

async function produce(count: number, keyPrefix: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `${keyPrefix}${i % 16}`, value: `${keyPrefix}-${i}` })),
  });
  await producer.disconnect();
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await produce(200, 'k');
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('kafkajs against the local broker', () => {
  it('eachBatch with manual commits; the committed offsets are what admin.fetchOffsets reports, and lag is zero', async () => {
    const groupId = uniqueName('batch');
    const c = consumer(groupId);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
        for (const message of batch.messages) {
          seen += 1;
          resolveOffset(message.offset);
        }
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        await heartbeat();
      },
    });
    await waitFor(async () => (seen >= 200 ? true : undefined), { what: '200 messages', timeoutMs: 60_000 });

    const committed = await waitFor(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const total = offsets?.partitions.reduce((sum, p) => sum + Number(p.offset), 0) ?? 0;
        return total === 200 ? offsets : undefined;
      },
      { what: 'committed offsets totalling 200', timeoutMs: 30_000 },
    );
    const ends = await admin.fetchTopicOffsets(topic);
    const lag = ends.map((end) => Number(end.high) - Number(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? 0));
    expect(seen).toBe(200);
    expect(lag).toEqual(new Array(PARTITIONS).fill(0));
  });

  it('a second member joining rebalances: partitions are split, revoked ones reported, none owned twice', async () => {
    const groupId = uniqueName('rebalance');
    const assignments = new Map<string, number[]>();
    const members = [consumer(groupId), consumer(groupId)];
    for (const [index, member] of members.entries()) {
      member.on(member.events.GROUP_JOIN, ({ payload }) => {
        assignments.set(`m${index}`, payload.memberAssignment[topic] ?? []);
      });
    }
    await members[0]!.connect();
    await members[0]!.subscribe({ topic, fromBeginning: true });
    await members[0]!.run({ autoCommit: false, eachBatch: async () => undefined });
    await waitFor(async () => (assignments.get('m0')?.length === PARTITIONS ? true : undefined), {
      what: 'first member owning all partitions',
      timeoutMs: 30_000,
    });

    await members[1]!.connect();
    await members[1]!.subscribe({ topic, fromBeginning: true });
    await members[1]!.run({ autoCommit: false, eachBatch: async () => undefined });
    await waitFor(
      async () => {
        const a = assignments.get('m0') ?? [];
        const b = assignments.get('m1') ?? [];
        return a.length > 0 && b.length > 0 && a.length + b.length === PARTITIONS ? true : undefined;
      },
      { what: 'partitions split between two members', timeoutMs: 30_000 },
    );
    const owned = [...(assignments.get('m0') ?? []), ...(assignments.get('m1') ?? [])].sort();
    expect(owned).toEqual([0, 1, 2, 3]);
  });

  it('seek re-reads a partition from a given offset; a paused partition gets nothing until resumed', async () => {
    const groupId = uniqueName('seek');
    const c = consumer(groupId);
    const seen = new Map<number, string[]>();
    const seenOn = (partition: number) => seen.get(partition) ?? [];
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        seen.set(batch.partition, [...seenOn(batch.partition), ...batch.messages.map((m) => m.offset)]);
      },
    });
    const high = Number((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.high);
    await waitFor(async () => (seenOn(0).length >= high ? true : undefined), { what: 'partition 0 read once', timeoutMs: 30_000 });

    c.seek({ topic, partition: 0, offset: '2' });
    await waitFor(async () => (seenOn(0).length >= 2 * high - 2 ? true : undefined), { what: 're-read after seek', timeoutMs: 30_000 });
    expect(seenOn(0).slice(high)).toEqual(Array.from({ length: high - 2 }, (_, i) => String(i + 2)));

    c.pause([{ topic, partitions: [0] }]);
    expect(c.paused()).toEqual([{ topic, partitions: [0] }]);
    const pausedAt = seenOn(0).length;
    const partition1Before = seenOn(1).length;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [0, 1].flatMap((partition) => Array.from({ length: 5 }, () => ({ partition, value: 'after-pause' }))),
    });
    await producer.disconnect();
    // Partition 1's new records arriving shows the consumer kept fetching while 0 was paused.
    await waitFor(async () => (seenOn(1).length >= partition1Before + 5 ? true : undefined), {
      what: 'partition 1 delivery',
      timeoutMs: 30_000,
    });
    expect(seenOn(0).length).toBe(pausedAt);

    c.resume([{ topic, partitions: [0] }]);
    await waitFor(async () => (seenOn(0).length >= pausedAt + 5 ? true : undefined), {
      what: 'partition 0 delivery after resume',
      timeoutMs: 30_000,
    });
    expect(c.paused()).toEqual([]);
  });
});
