import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { PoolClient } from 'pg';
import { READ_MIGRATIONS } from '../db/migrateReadDatabase';
import { BUILDER_SHARDS, FAN_OUT_SHARD, shardOfOwner, storedShardsOf } from '../projection/builderShard';
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
  await client.query('delete from ref_channel_members');
  await client.query('delete from ref_last_messages');
});

async function addMembers(channelId: bigint, userIds: readonly bigint[]): Promise<void> {
  await client.query(
    `insert into ref_channel_members (channel_id, user_id, role, is_pinned, is_muted, is_hidden, member_ver, lsn)
     select $1::bigint, u, 0, false, false, false, 1, 1 from unnest($2::bigint[]) u`,
    [String(channelId), userIds.map(String)],
  );
}

/** Every mark waiting, as (kind, a, b) with its shard, in key order. */
async function waitingMarks(): Promise<Array<{ kind: number; a: string; b: string; shard: number }>> {
  return (await client.query('select kind, a::text, b::text, shard from projection_dirty d order by d.kind, d.a, d.b')).rows;
}

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

it('given a channel mark expanded, then it waits under the shard it names, in the range earlier releases never read', async () => {
  await recordDirtyMarks(client, [
    { kind: 'channelInShard', channelId: 2n ** 62n, shard: 3 },
    { kind: 'recountInShard', channelId: 2n ** 62n, shard: 15 },
  ]);
  expect((await waitingMarks()).map((r) => r.shard)).toEqual([...storedShardsOf(3).slice(1), ...storedShardsOf(15).slice(1)]);
  expect(
    await shardsWithWork(
      client,
      Array.from({ length: BUILDER_SHARDS }, (_, i) => i),
    ),
  ).toEqual([]);
  const [first] = await oldestDirtyMarks(client as Transaction, storedShardsOf(3), 10);
  expect(first?.mark).toEqual({ kind: 'channelInShard', channelId: 2n ** 62n, shard: 3 });
});

it('given a group of 200 members marked, when expanded, then one mark per shard holding members waits, not one per member', async () => {
  const members = Array.from({ length: 200 }, (_, i) => 1000n + BigInt(i) * 7_919n);
  await addMembers(7n, members);
  await recordDirtyMarks(client, [channel]);
  expect(await expandFanOutMarks(client, 10)).toBe(1);
  const shards = [...new Set(members.map(shardOfOwner))].sort((x, y) => x - y);
  expect(await waitingMarks()).toEqual(shards.map((shard) => ({ kind: 7, a: '7', b: String(shard), shard: BUILDER_SHARDS + shard })));
});

it('given a recount of a channel whose members share one shard, when expanded, then one recount mark of that shard waits', async () => {
  const first = 42n;
  const sameShard = Array.from({ length: 400 }, (_, i) => BigInt(i)).filter((u) => u !== first && shardOfOwner(u) === shardOfOwner(first));
  await addMembers(8n, [first, ...sameShard.slice(0, 2)]);
  await recordDirtyMarks(client, [{ kind: 'recount', channelId: 8n }]);
  await expandFanOutMarks(client, 10);
  expect(await waitingMarks()).toEqual([{ kind: 8, a: '8', b: String(shardOfOwner(first)), shard: BUILDER_SHARDS + shardOfOwner(first) }]);
});

it("given a profile change of the last sender of a group, when expanded, then the group is marked in its members' shards", async () => {
  const sender = 5n;
  const members = [sender, 6n, 7n];
  await addMembers(9n, members);
  await client.query(
    `insert into ref_last_messages (channel_id, id, seq, sender_id, msg_type, content, created_at, recalled)
     values (9, 1, 1, $1, 1, 'hi', now(), false)`,
    [String(sender)],
  );
  await recordDirtyMarks(client, [{ kind: 'user', userId: sender }]);
  await expandFanOutMarks(client, 10);
  const shards = [...new Set(members.map(shardOfOwner))].sort((x, y) => x - y);
  expect(await waitingMarks()).toEqual(shards.map((shard) => ({ kind: 7, a: '9', b: String(shard), shard: BUILDER_SHARDS + shard })));
});

it('given fan-out marks, then an owner mark, then the fan-out ones wait in their own shard, listed first as the oldest', async () => {
  const owner = 42n;
  await recordDirtyMarks(client, [channel, { kind: 'user', userId: 3n }]);
  await recordDirtyMarks(client, [{ kind: 'conversation', userId: owner, channelId: 7n }]);
  const waiting = await shardsWithWork(client, [FAN_OUT_SHARD, ...Array.from({ length: BUILDER_SHARDS }, (_, i) => i)]);
  expect(waiting).toEqual([FAN_OUT_SHARD, shardOfOwner(owner)]);
  expect(await marksWaitingIn(client, [FAN_OUT_SHARD], 100)).toBe(2);
  expect(await marksWaitingIn(client, [FAN_OUT_SHARD], 1)).toBe(1);
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
