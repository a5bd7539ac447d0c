import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import pino from 'pino';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { REBUILD_LOCK } from '../../projector/operations/rebuildCommand';
import { createQueryPool } from '../../services/db/queryPool';
import { signUserToken } from '../../services/http/authentication';
import { createHttpApp } from '../../services/http/httpApp';
import { createReadModelQueries } from '../../services/queries/readModelQueries';
import { TEST_GUARDS, TEST_JWT } from '../services/writeApiHarness';
import { runCli, startCli } from '../support/cliProcess';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * `npm run projector -- rebuild` on the real stack, as an operator runs it while the pipeline
 * serves: a new version is filled from the beginning of the topics while users are renamed and
 * messages sent, the query API is asked for a user's conversation list all along, and the swap
 * happens under it. Then rollback and drop-old; then a rebuild killed mid-way resumes.
 */

const env = stackEnv();
const group = uniqueName('rebuild');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const users = Array.from({ length: 4 }, () => freshId());
const [ann, bob] = users as [bigint, bigint];
const channel = freshId();
const projectorEnv = {
  PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  VERIFIER_WRITE_DATABASE_URL: env.verifierWriteDatabaseUrl,
  PROJECTOR_GROUP_ID: group,
  DEAD_LETTER_TOPIC: `${group}.dead-letters`,
};
const projector = startProjectorProcess(projectorEnv);
const runRebuild = (args: string[]) => runCli('projector/operations/main.ts', ['rebuild', ...args], projectorEnv);

/** The query API on im_read, in-process, as the services run it. */
async function startQueryApi() {
  const logger = pino({ level: 'silent' });
  const pool = createQueryPool({ databaseUrl: env.readerDatabaseUrl, poolSize: 2, logger });
  const app = await createHttpApp({
    config: { jwt: TEST_JWT, guards: TEST_GUARDS },
    logger,
    commands: null,
    queries: createReadModelQueries({ pool }),
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl, close: () => app.close() };
}

/** Asks for Ann's conversation list until stopped; every answer that is not 200 with her group in it is kept. */
function pollConversations(baseUrl: string, token: string) {
  let running = true;
  const bad: string[] = [];
  let answers = 0;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${baseUrl}/me/conversations`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { conversations?: Array<{ channelId: string }> };
        answers += 1;
        if (response.status !== 200 || !body.conversations?.some((c) => c.channelId === String(channel)))
          bad.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      } catch (error) {
        bad.push(String(error));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answers, bad };
    },
  };
}

/** Renames Bob and sends messages until stopped. */
function keepWriting() {
  let running = true;
  let writes = 0;
  const loop = (async () => {
    while (running) {
      writes += 1;
      await writePool.query('update users set nickname = $2, profile_ver = profile_ver + 1 where id = $1', [String(bob), `bob-${writes}`]);
      await sendMessages(writePool, channel, [ann, bob], 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return writes;
    },
  };
}

beforeAll(async () => {
  await createUsers(writePool, users, group);
  await createGroup(writePool, channel, users, 'rebuild');
  await sendMessages(writePool, channel, users, 20);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
});

afterAll(async () => {
  // Whatever failed above, leave no rebuild behind for later tests.
  await runRebuild(['--cancel']);
  await runRebuild(['--drop-old']);
  projector.child.kill('SIGTERM');
  await projector.exited;
  await Promise.all([writePool.end(), read.end()]);
});

it('stops at an event it cannot apply, naming it; with --dead-letter it goes on, a second rebuild meanwhile is refused, and the swap under live writes and reads shows no reader an error or an empty list', async () => {
  // A record no decoder can read, on a CDC topic the rebuild replays.
  const kafka = new Kafka({ clientId: group, brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const [poison] = await producer.send({ topic: 'im.public.users', messages: [{ key: '{"id":1}', value: 'not json', partition: 0 }] });
  await producer.disconnect();

  // It may meet another test's poison first: any such record stops it the same way.
  const stopped = await runRebuild([]);
  expect(stopped.status).toBe(1);
  expect(stopped.stdout).toMatch(/^stopped: cannot apply im\.public\.\w+\/\d+@\d+ \(decode\): /m);

  // While one runs (it holds the rebuild lock), another is refused.
  const holder = await read.connect();
  try {
    await holder.query('select pg_advisory_lock($1)', [REBUILD_LOCK]);
    const second = await runRebuild([]);
    expect(second.status).toBe(3);
    expect(second.stdout).toMatch(/^refused: a rebuild, rollback or drop is running on this read database \(version \d+, started /m);
  } finally {
    await holder.query('select pg_advisory_unlock($1)', [REBUILD_LOCK]);
    holder.release();
  }

  const api = await startQueryApi();
  const reads = pollConversations(api.baseUrl, signUserToken(api.app, ann));
  const writes = keepWriting();
  try {
    const run = await runRebuild(['--dead-letter']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^resuming the rebuild of version \d+/m);
    expect(run.stdout).toMatch(/records, [\d,]+\/s, ETA/);
    expect(run.stdout).toMatch(/^version \d+ matches the contract/m);
    expect(run.stdout).toMatch(/^swapped: version \d+ is live/m);
  } finally {
    expect(await writes.stop()).toBeGreaterThan(0);
    const { answers, bad } = await reads.stop();
    await api.close();
    expect(bad).toEqual([]);
    expect(answers).toBeGreaterThan(0);
  }

  // The live projector takes over every partition of the new version, quiet ones included.
  await waitFor(
    async () => {
      const { rows } = await read.query<{ n: string }>(
        'select count(*)::text as n from projection_checkpoints where consumer_group = $1 and owner_member is null',
        [group],
      );
      return rows[0]?.n === '0' ? true : undefined;
    },
    { what: 'the live members to claim the handed-over checkpoints', timeoutMs: 30_000 },
  );
  // The live projector goes on in the new version.
  await writePool.query(`update users set nickname = 'bob after the swap', profile_ver = profile_ver + 1 where id = $1`, [String(bob)]);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  await expectViewsMatchContract(users);
  const letters = await read.query(
    `select 1 from projection_dead_letters where consumer_group = $1 and topic = 'im.public.users' and "offset" = $2`,
    [group, poison?.baseOffset],
  );
  expect(letters.rowCount).toBe(1);
});

it('rolls back to the previous version, which catches up with what happened since, then drops it', async () => {
  const back = await runRebuild(['--rollback']);
  expect(back.status).toBe(0);
  expect(back.stdout).toMatch(/^rolled back: version \d+ is live again/m);
  await writePool.query(`update users set nickname = 'bob after the rollback', profile_ver = profile_ver + 1 where id = $1`, [String(bob)]);
  await sendMessages(writePool, channel, [bob], 1);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  await expectViewsMatchContract(users);

  const dropped = await runRebuild(['--drop-old']);
  expect(dropped.status).toBe(0);
  expect(dropped.stdout).toMatch(/^dropped version \d+ \(schema projector_v\d+\)$/m);
  const left = await read.query(`select nspname from pg_namespace where nspname like 'projector_v%'`);
  expect(left.rows).toEqual([]);
});

it('a rebuild killed (SIGKILL) mid-way resumes its version where it stopped', async () => {
  const killed = startCli('projector/operations/main.ts', ['rebuild', '--dead-letter'], projectorEnv, (soFar) => {
    if (soFar.includes('starting the rebuild of version')) killed.kill('SIGKILL');
  });
  expect((await killed.done).status).toBeNull();
  const version = /starting the rebuild of version (\d+)/.exec((await killed.done).stdout)?.[1];
  expect(version).toBeDefined();

  const resumed = await runRebuild(['--dead-letter']);
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain(`resuming the rebuild of version ${version}`);
  expect(resumed.stdout).toMatch(new RegExp(`^swapped: version ${version} is live`, 'm'));
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  await expectViewsMatchContract(users);
});
