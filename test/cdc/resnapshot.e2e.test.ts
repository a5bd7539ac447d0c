import { Pool } from 'pg';
import { createReadPool } from '../../projector/db/readPool';
import { runCli } from '../support/cliProcess';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * `npm run stack -- resnapshot` as an operator runs it after im_read lost rows that the topics
 * can no longer give back: the connector re-reads the tables while it streams, the projector
 * applies the read events like any change, and the views end equal to the contract, also for a
 * user renamed while the snapshot ran.
 */

const env = stackEnv();
const group = uniqueName('resnapshot');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const members = Array.from({ length: 3 }, () => freshId());
const [, sender, renamed] = members as [bigint, bigint, bigint];
const channel = freshId();
const projector = startProjectorProcess({
  PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  PROJECTOR_GROUP_ID: group,
  DEAD_LETTER_TOPIC: `${group}.dead-letters`,
});

const runStackCli = (args: string[]) => runCli('infra/stack/main.ts', args);

beforeAll(async () => {
  await createUsers(writePool, members, group);
  await createGroup(writePool, channel, members, 'resnapshot');
  await sendMessages(writePool, channel, [sender], 1);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
});

afterAll(async () => {
  projector.child.kill('SIGTERM');
  await projector.exited;
  await Promise.all([writePool.end(), read.end()]);
});

it('re-reads the users table while renames go on; a reference row lost from im_read comes back and every view row matches the contract', async () => {
  // im_read loses the sender's reference row and the rows that showed their name.
  await read.query('delete from ref_users where id = $1', [String(sender)]);
  await read.query(`update user_conversation_view set last_message_sender_name = 'lost' where channel_id = $1`, [String(channel)]);

  const snapshot = runStackCli(['resnapshot', '--tables', 'users', '--timeout', '120']);
  for (let i = 1; i <= 5; i += 1) {
    await writePool.query('update users set nickname = $2, profile_ver = profile_ver + 1 where id = $1', [String(renamed), `renamed-${i}`]);
  }
  const run = await snapshot;
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^public\.users: done, \d+ rows/m);
  expect(run.stdout).toMatch(/^snapshot completed$/m);

  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  const { rows } = await read.query('select distinct last_message_sender_name from user_conversation_view where channel_id = $1', [
    String(channel),
  ]);
  expect(rows).toEqual([{ last_message_sender_name: `${group}-2` }]);
  await expectViewsMatchContract(members);
});

it('refuses an unknown table, and a table Debezium could only snapshot in part, saying why', async () => {
  const unknown = await runStackCli(['resnapshot', '--tables', 'users,nope']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('--tables: unknown public.nope; the tables are public.users, public.channels');
  const rekeyed = await runStackCli(['resnapshot', '--tables', 'messages']);
  expect(rekeyed.status).toBe(2);
  expect(rekeyed.stderr).toContain('public.messages cannot be re-snapshotted incrementally');
});
