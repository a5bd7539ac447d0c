import { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * The view builder scaled out: two members of one group build different shards at the same time,
 * and when one is killed with SIGKILL in the middle of a pass, the other takes its shards (and its
 * partitions) and the views end exactly as the contract defines them.
 */

const env = stackEnv();
const group = uniqueName('scale-out');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const memberEnv = (name: string) => ({
  PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  PROJECTOR_GROUP_ID: group,
  PROJECTOR_MEMBER_NAME: name,
  DEAD_LETTER_TOPIC: `${group}.dead-letters`,
  // One pass at a time per member: building in parallel then needs the two members.
  PROJECTOR_BUILDER_WORKERS: '1',
  PROJECTOR_MARKS_PER_BUILD: '500',
  // node-postgres names its connections after this: pg_stat_activity tells the members apart.
  PGAPPNAME: name,
});

const users = Array.from({ length: 1200 }, () => freshId());
const groups = Array.from({ length: 40 }, () => freshId());
const directs = Array.from({ length: 300 }, () => freshId());
const popular = users[0]!;
let members: Array<ReturnType<typeof startProjectorProcess>> = [];

/** A direct channel with its two members and their friendship, as the write services make it. */
async function createDirect(channelId: bigint, a: bigint, b: bigint): Promise<void> {
  await writePool.query(
    `with c as (insert into channels (id, channel_type) values ($1, 1) returning id),
          m as (insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3) returning 1),
          f as (insert into friendships (user_id, friend_id) values ($2, $3), ($3, $2) on conflict do nothing returning 1)
     select (select count(*) from c) + (select count(*) from m) + (select count(*) from f)`,
    [String(channelId), String(a), String(b)],
  );
}

/** The members whose connections hold a shard of the view builder right now. */
async function shardHolders(): Promise<string[]> {
  const { rows } = await read.query<{ name: string }>(
    `select distinct a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2 and l.classid between 7245010 and 7245026
        and a.application_name like $1`,
    [`${group}-%`],
  );
  return rows.map((r) => r.name).sort();
}

beforeAll(async () => {
  await createUsers(writePool, users, group);
  for (const [i, channelId] of groups.entries())
    await createGroup(writePool, channelId, [popular, ...users.slice(1 + i * 29, 1 + (i + 1) * 29)], `${group}-${i}`);
  for (const [i, channelId] of directs.entries()) await createDirect(channelId, popular, users[1 + ((i * 7) % (users.length - 1))]!);
});

afterAll(async () => {
  for (const member of members) member.child.kill('SIGKILL');
  await Promise.all(members.map((m) => m.exited));
  await writePool.end();
  await read.end();
});

describe('the view builder scaled out over two members', () => {
  it('builds shards on both members at once; one killed mid-pass, the other finishes: views exact', async () => {
    // A backlog written while no member runs: messages everywhere, then a profile change that
    // fans out to every row showing the popular user.
    for (const channelId of groups) await sendMessages(writePool, channelId, users.slice(0, 30), 200);
    for (const channelId of directs) await sendMessages(writePool, channelId, [popular], 5);
    await writePool.query("update users set nickname = nickname || ' (renamed)', profile_ver = profile_ver + 1 where id = $1", [
      String(popular),
    ]);
    await waitUntilCaptured(writePool);

    members = [startProjectorProcess(memberEnv(`${group}-a`)), startProjectorProcess(memberEnv(`${group}-b`))];
    // Both members hold a shard at the same moment: they build in parallel.
    await waitFor(async () => ((await shardHolders()).length === 2 ? true : undefined), {
      what: 'both members to hold view builder shards at once',
      timeoutMs: 120_000,
      intervalMs: 5,
    });
    // Killed while it holds a shard: in the middle of a pass.
    await waitFor(async () => ((await shardHolders()).includes(`${group}-a`) ? true : undefined), {
      what: 'member a to hold a shard',
      timeoutMs: 60_000,
      intervalMs: 2,
    });
    members[0]!.child.kill('SIGKILL');
    await members[0]!.exited;

    // The survivor takes the partitions (after the group's session timeout) and the shards.
    await waitUntilCaughtUp(read, env.kafkaBrokers, group, 180_000);
    expect(await shardHolders()).not.toContain(`${group}-a`);
    await expectViewsMatchContract(users);
    // The popular user is in every group and direct channel: 340 conversations, all renamed.
    const { rows } = await read.query<{ n: string }>(
      "select count(*)::text as n from user_conversation_view where peer_user_id = $1 and peer_nickname like '% (renamed)'",
      [String(popular)],
    );
    expect(Number(rows[0]?.n)).toBe(directs.length);
  });
});
