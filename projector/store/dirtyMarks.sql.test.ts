import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { PoolClient } from 'pg';
import { READ_MIGRATIONS } from '../db/migrateReadDatabase';
import { BUILDER_SHARDS, FAN_OUT_SHARD, shardOfOwner } from '../projection/builderShard';
import {
  clearBuiltMarks,
  handOverRows,
  hasPendingMarks,
  marksWaitingIn,
  oldestDirtyMarks,
  recordDirtyMarks,
  shardsWithWork,
} from './dirtyMarks';
import { expandFanOutMarks } from './expandFanOutMarks';
import { pgliteTestPool, type PgliteTestPool } from './pgliteTestPool';
import type { Transaction } from '../../infra/db/transaction';

/** The marks' source times, which commit→view latency is measured from (cb8d597's review). */

let db: PgliteTestPool;
let client: PoolClient;
const channel = { kind: 'channel', channelId: 7n } as const;

beforeAll(async () => {
  db = await pgliteTestPool();
  await migrate(drizzle({ client: db.pglite }), { migrationsFolder: READ_MIGRATIONS });
  client = await db.pool.connect();
});

afterAll(async () => {
  client.release();
  await db.close();
});

beforeEach(async () => {
  await client.query('delete from projection_dirty');
  await client.query('delete from projection_handover');
});

it('given a key marked twice before it is built, then it keeps the earlier source time', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  await recordDirtyMarks(client, [channel], 2_000);
  const [taken] = await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10);
  expect(taken?.sourceTsMs).toBe(1_000);
});

it('given a key marked again while a pass built it, when the pass clears, then the mark stays with the later source time only', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  const taken = await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10);
  await recordDirtyMarks(client, [channel], 3_000);
  await clearBuiltMarks(client, taken);
  const [kept] = await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10);
  expect(kept?.sourceTsMs).toBe(3_000);
});

it('given a key not marked again during the pass, when the pass clears, then the mark is gone', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  await clearBuiltMarks(client, await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10));
  expect(await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10)).toEqual([]);
});

it('given a batch that works a while before it marks, then the mark is stamped when written, not when the batch began', async () => {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ began_ms: number }>('select (extract(epoch from now()) * 1000)::float8 as began_ms');
    await client.query('select pg_sleep(0.1)');
    await recordDirtyMarks(client, [channel], 1_000);
    const [taken] = await oldestDirtyMarks(client as Transaction, [FAN_OUT_SHARD], 10);
    expect(taken?.markedAtMs).toBeGreaterThanOrEqual((rows[0]?.began_ms ?? 0) + 100);
  } finally {
    await client.query('rollback');
  }
});

it('given owner marks of many users, then each is stored in the shard the builder computes for its owner', async () => {
  // Ids around the edges of int64 and of 32 bits, and a spread in between.
  const owners = [
    0n,
    1n,
    -1n,
    2n ** 32n,
    -(2n ** 32n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    ...Array.from({ length: 200 }, (_, i) => BigInt(i) * 7_919_000_003n),
  ];
  await recordDirtyMarks(
    client,
    owners.flatMap((userId) => [
      { kind: 'conversation', userId, channelId: 5n },
      { kind: 'contact', userId: 9n, contactUserId: userId },
      { kind: 'unreadRecount', userId, channelId: 6n },
    ]),
  );
  const { rows } = await client.query<{ kind: number; a: string; b: string; shard: number }>(
    'select kind, a::text, b::text, shard from projection_dirty',
  );
  const wrong = rows.filter((r) => r.shard !== shardOfOwner(BigInt(r.a)));
  expect(wrong).toEqual([]);
  expect(new Set(rows.map((r) => r.shard)).size).toBe(BUILDER_SHARDS);
});

it('given fan-out marks, then an owner mark, then the fan-out ones wait in their own shard, listed first as the oldest', async () => {
  const owner = 42n;
  await recordDirtyMarks(client, [channel, { kind: 'user', userId: 3n }]);
  await recordDirtyMarks(client, [{ kind: 'conversation', userId: owner, channelId: 7n }]);
  const waiting = await shardsWithWork(client, [FAN_OUT_SHARD, ...Array.from({ length: BUILDER_SHARDS }, (_, i) => i)]);
  expect(waiting).toEqual([FAN_OUT_SHARD, shardOfOwner(owner)]);
  expect(await marksWaitingIn(client, FAN_OUT_SHARD, 100)).toBe(2);
  expect(await marksWaitingIn(client, FAN_OUT_SHARD, 1)).toBe(1);
});

it('given a row handed over by a shard build, then it waits as pending and the next expansion makes it a mark of the peer shard', async () => {
  const peer = 77n;
  await handOverRows(client, [{ userId: peer, channelId: 5n }]);
  expect(await hasPendingMarks(client)).toBe(true);
  expect(await expandFanOutMarks(client, 10)).toBe(1);
  const [mark] = await oldestDirtyMarks(client as Transaction, [shardOfOwner(peer)], 10);
  expect(mark?.mark).toEqual({ kind: 'conversation', userId: peer, channelId: 5n });
  expect((await client.query('select count(*)::int as n from projection_handover')).rows[0]).toEqual({ n: 0 });
});
