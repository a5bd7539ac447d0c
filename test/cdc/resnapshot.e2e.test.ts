import { spawn } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { createReadPool } from '../../projector/db/readPool';
import { verifyViews } from '../../projector/verify/verifyViews';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * `npm run stack -- resnapshot` as an operator runs it after im_read lost rows that the topics
 * can no longer give back: the connector re-reads the tables while it streams, the projector
 * applies the read events like any change, and the views end equal to the contract, also for a
 * user renamed while the snapshot ran.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const env = stackEnv();
const group = uniqueName('resnapshot');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const members = Array.from({ length: 3 }, () => freshId());
const [, sender, renamed] = members as [bigint, bigint, bigint];
const channel = freshId();
const projector = startProjectorProcess({
  READ_DATABASE_URL: env.readDatabaseUrl,
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  PROJECTOR_GROUP_ID: group,
  DEAD_LETTER_TOPIC: `${group}.dead-letters`,
});

function runStackCli(args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/stack/main.ts', ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

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
  const result = await verifyViews({
    writeUrl: env.writeDatabaseUrl,
    readUrl: env.readDatabaseUrl,
    logger: pino({ level: 'warn' }),
    owners: members.map(String),
  });
  expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
});

it('refuses an unknown table, and a table Debezium could only snapshot in part, saying why', async () => {
  const unknown = await runStackCli(['resnapshot', '--tables', 'users,nope']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('--tables: unknown public.nope; the tables are public.users, public.channels');
  const rekeyed = await runStackCli(['resnapshot', '--tables', 'messages']);
  expect(rekeyed.status).toBe(2);
  expect(rekeyed.stderr).toContain('public.messages cannot be re-snapshotted incrementally');
});
