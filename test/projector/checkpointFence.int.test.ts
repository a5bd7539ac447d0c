import pino from 'pino';
import { applyBatch } from '../../projector/consumer/applyBatch';
import type { SourceRecord } from '../../projector/source/changeSource';
import { createPartitionClaims } from '../../projector/consumer/partitionClaims';
import { createReadPool } from '../../projector/db/readPool';
import type { ChangeSource, TopicPartition } from '../../projector/source/changeSource';
import { claimPartition } from '../../projector/store/checkpoints';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * A read database that comes back from a crash without its last commits (asynchronous commit,
 * or a failover to a lagging standby) leaves the stored checkpoint behind what the projector
 * holds in memory. Committing the next batch from there would skip the lost records; the
 * checkpoint must refuse it, and the member must go back to the stored offset.
 *
 * The crash is simulated by putting the stored offset back under the same epoch, which is
 * exactly the state such a crash leaves; test/faults covers the real crash.
 */

const env = stackEnv();
const pool = createReadPool(env.readDatabaseUrl);
const logger = pino({ level: 'silent' });

/** Records with no value: decoded as tombstones and skipped, so only the checkpoint moves. */
const records = (...offsets: number[]): SourceRecord[] => offsets.map((o) => ({ offset: BigInt(o), key: null, value: null }));

async function storedOffset(group: string, topic: string): Promise<bigint> {
  const { rows } = await pool.query<{ next_offset: bigint }>(
    'select next_offset from projection_checkpoints where consumer_group = $1 and topic = $2 and partition = 0',
    [group, topic],
  );
  return rows[0]!.next_offset;
}

/** What a crash that lost the last commits leaves: the old offset, the same epoch. */
async function loseCommitsBackTo(group: string, topic: string, offset: bigint): Promise<void> {
  await pool.query('update projection_checkpoints set next_offset = $3 where consumer_group = $1 and topic = $2', [
    group,
    topic,
    offset.toString(),
  ]);
}

afterAll(async () => {
  await pool.end();
});

test('given a checkpoint the database lost, when the next batch commits, then it is refused and nothing is skipped', async () => {
  const group = uniqueName('fence');
  const topic = uniqueName('topic');
  const claim = await claimPartition(pool, group, 'member-a', topic, 0);
  expect(claim.nextOffset).toBe(0n);

  const first = await applyBatch(pool, group, claim, { topic, partition: 0, records: records(0, 1) });
  expect(first).toMatchObject({ kind: 'applied', nextOffset: 2n });
  await loseCommitsBackTo(group, topic, 0n);

  // The member still believes offsets 0-1 are applied and goes on from 2.
  const next = await applyBatch(pool, group, { ...claim, nextOffset: 2n }, { topic, partition: 0, records: records(2, 3) });

  expect(next).toEqual({ kind: 'fenced', reason: 'OFFSET_MOVED' });
  expect(await storedOffset(group, topic)).toBe(0n);
});

test('given another member claimed the partition, when the old member commits, then it is refused as claimed elsewhere', async () => {
  const group = uniqueName('fence');
  const topic = uniqueName('topic');
  const old = await claimPartition(pool, group, 'member-a', topic, 0);
  await claimPartition(pool, group, 'member-b', topic, 0);

  const outcome = await applyBatch(pool, group, old, { topic, partition: 0, records: records(0, 1) });

  expect(outcome).toEqual({ kind: 'fenced', reason: 'CLAIMED_ELSEWHERE' });
  expect(await storedOffset(group, topic)).toBe(0n);
});

test('given a quiet partition whose last commits were lost, when claims are refreshed, then the member seeks back to the stored offset', async () => {
  const group = uniqueName('fence');
  const topic = uniqueName('topic');
  const seeks: Array<{ tp: TopicPartition; offset: bigint }> = [];
  const source = { seek: (tp: TopicPartition, offset: bigint) => seeks.push({ tp, offset }) } as unknown as ChangeSource;
  const claims = createPartitionClaims({ pool, source, groupId: group, memberName: 'member-a', logger, withRetry: (work) => work() });
  const tp = { topic, partition: 0 };

  const claim = await claims.get(tp);
  const applied = await applyBatch(pool, group, claim, { ...tp, records: records(0, 1, 2) });
  expect(applied).toMatchObject({ kind: 'applied', nextOffset: 3n });
  claims.advance(tp, { ...claim, nextOffset: 3n });
  await claims.refresh();
  expect(seeks).toHaveLength(1); // only the claim's own seek to 0: nothing moved yet

  await loseCommitsBackTo(group, topic, 1n);
  await claims.refresh();

  expect(seeks).toHaveLength(2);
  expect(seeks[1]).toEqual({ tp, offset: 1n });
  expect((await claims.get(tp)).nextOffset).toBe(1n);
});

test("given the database lost this member's claim too, when claims are refreshed, then the member claims again instead of trusting the other member's name", async () => {
  const group = uniqueName('fence');
  const topic = uniqueName('topic');
  const tp = { topic, partition: 0 };
  await claimPartition(pool, group, 'member-a', topic, 0);
  const seeks: bigint[] = [];
  const source = { seek: (_tp: TopicPartition, offset: bigint) => seeks.push(offset) } as unknown as ChangeSource;
  const claims = createPartitionClaims({ pool, source, groupId: group, memberName: 'member-b', logger, withRetry: (work) => work() });
  const claim = await claims.get(tp);
  expect(claim.epoch).toBe(2n);
  await applyBatch(pool, group, claim, { ...tp, records: records(0, 1, 2) });
  claims.advance(tp, { ...claim, nextOffset: 3n });

  // What a restore to before member-b's claim leaves: member-a's name, its epoch, offset 0.
  await pool.query(
    "update projection_checkpoints set owner_epoch = 1, owner_member = 'member-a', next_offset = 0 where consumer_group = $1",
    [group],
  );
  await claims.refresh();

  expect(seeks).toEqual([0n, 0n]);
  expect(await claims.get(tp)).toMatchObject({ nextOffset: 0n, epoch: 2n });
});
