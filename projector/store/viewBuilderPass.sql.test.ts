import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { ensureReadPartitions } from '../db/ensureReadPartitions';
import { READ_MIGRATIONS } from '../db/migrateReadDatabase';
import { shardOfOwner } from '../projection/builderShard';
import { hasPendingMarks, recordDirtyMarks } from './dirtyMarks';
import { pgliteTestPool, type PgliteTestPool } from './pgliteTestPool';
import { runViewBuilderPass } from './viewBuilderPass';

/** A pass over a channel's mark of one shard: that shard's members' rows, and no one else's. */

let db: PgliteTestPool;

beforeAll(async () => {
  db = await pgliteTestPool();
  await migrate(drizzle({ client: db.pglite }), { migrationsFolder: READ_MIGRATIONS });
  const client = await db.pool.connect();
  try {
    await ensureReadPartitions(client, 4);
  } finally {
    client.release();
  }
});

afterAll(async () => {
  await db.close();
});

it("given a group with members in several shards, when a pass builds the channel mark of one shard, then exactly that shard's members get rows", async () => {
  // given: a group of 40 members, spread over the shards
  const members = Array.from({ length: 40 }, (_, i) => 500n + BigInt(i));
  const shard = shardOfOwner(members[0]!);
  await db.pool.query(
    `insert into ref_channels (id, channel_type, channel_name, channel_avatar, channel_info_ver, lsn) values (70, 2, 'team', '', 1, 1)`,
  );
  await db.pool.query(
    `insert into ref_channel_members (channel_id, user_id, role, is_pinned, is_muted, is_hidden, member_ver, lsn)
     select 70, u, 0, false, false, false, 1, 1 from unnest($1::bigint[]) u`,
    [members.map(String)],
  );
  const client = await db.pool.connect();
  await recordDirtyMarks(client, [{ kind: 'channelInShard', channelId: 70n, shard }]);
  client.release();

  // when
  const pass = await runViewBuilderPass(db.pool, 100);

  // then
  expect(pass).toMatchObject({ kind: 'built', marks: 1, shards: [shard] });
  const { rows } = await db.pool.query<{ user_id: string; conversation_name: string }>(
    'select user_id::text, conversation_name from user_conversation_view where channel_id = 70 order by user_id',
  );
  const expected = members.filter((u) => shardOfOwner(u) === shard).map(String);
  expect(expected.length).toBeLessThan(members.length);
  expect(rows.map((r) => r.user_id)).toEqual(expected);
  expect(new Set(rows.map((r) => r.conversation_name))).toEqual(new Set(['team']));
  expect(await hasPendingMarks(db.pool)).toBe(false);
});
