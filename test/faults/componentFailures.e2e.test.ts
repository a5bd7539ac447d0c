import { Pool } from 'pg';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';
import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { runningPid } from '../../infra/stack/daemon';
import { FAULTS, FAULT_PART, injectFault, type Fault } from '../../infra/stack/faultInjection';
import { createLocalStack } from '../../infra/stack/localStack';
import { CORE_PARTS } from '../../infra/stack/partHealth';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { verifyViews } from '../../projector/verify/verifyViews';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createLoadWorld, startWriteLoad, type LoadWorld } from '../support/writeLoad';

/**
 * Every component of the running pipeline fails under write load, and nobody touches anything:
 * the supervisor `npm start` leaves running brings each part back (and heals the connector a
 * broker crash wedges), and the views end equal to their definitions, nothing lost, nothing
 * counted twice. This suite runs last (test/support/faultsLastSequencer.js): it breaks the
 * shared stack on purpose.
 */

jest.setTimeout(360_000);

const env = stackEnv();
const logger = pino({ level: 'warn' });
const stack = createLocalStack({ config: loadStackConfig(), logger });
const GROUP = 'im-projector'; // the group of the projector `npm start` runs
const writePool = surviveConnectionLoss(new Pool({ connectionString: env.writeDatabaseUrl }), () => undefined);
const read = createReadPool(env.readDatabaseUrl, 4, () => undefined);
let world: LoadWorld;
let startedPipeline = false;

async function allPartsWork(): Promise<true | undefined> {
  const health = await stack.health();
  const needed = health.filter((p) => CORE_PARTS.includes(p.name) || p.name === 'projector');
  return needed.every((p) => p.state === 'RUNNING') ? true : undefined;
}

/** Everything written is in Kafka and applied: then the views must equal their definitions. */
async function expectViewsExact(): Promise<void> {
  await waitUntilCaptured(writePool, 180_000);
  await waitUntilCaughtUp(read, env.kafkaBrokers, GROUP, 180_000);
  const result = await verifyViews({
    writeUrl: env.writeDatabaseUrl,
    readUrl: env.readDatabaseUrl,
    logger,
    owners: world.users.map(String),
  });
  expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
  expect(result.matches).toBe(true);

  // The number users notice first, checked on its own: unread counts, from im_write by hand.
  const { rows: expected } = await writePool.query<{ user_id: string; channel_id: string; unread: number }>(
    `select m.user_id::text, m.channel_id::text,
            (select count(*)::int from messages x where x.channel_id = m.channel_id and x.seq > coalesce(r.last_read_seq, 0)
                and x.sender_id <> m.user_id and x.recalled_at is null) as unread
       from channel_members m left join channel_read_records r on r.user_id = m.user_id and r.channel_id = m.channel_id
      where m.user_id = any($1::bigint[]) order by 1, 2`,
    [world.users.map(String)],
  );
  const { rows: shown } = await read.query<{ user_id: string; channel_id: string; unread: number }>(
    'select user_id::text, channel_id::text, unread_count as unread from user_conversation_view where user_id = any($1::bigint[]) order by 1, 2',
    [world.users.map(String)],
  );
  expect(shown).toEqual(expected);
}

beforeAll(async () => {
  world = await createLoadWorld(writePool, uniqueName('faults'));
  startedPipeline = runningPid(stack.supervisor) === undefined;
  await stack.start();
  // The stack's projector first catches up with everything earlier suites wrote.
  await expectViewsExact();
});

afterAll(async () => {
  if (startedPipeline) await stack.stopPipeline();
  await writePool.end();
  await read.end();
});

test.each(FAULTS.map((f) => [f]))(
  'given write load, when %s, then the stack heals itself and the views are exact',
  async (fault: Fault) => {
    const load = startWriteLoad(env.writeDatabaseUrl, world, { seed: FAULTS.indexOf(fault) + 1 });
    try {
      await load.committedMore(100);
      const pid = await injectFault(stack, fault);
      expect(pid).toBeDefined(); // the fault did hit a running part

      // Nobody starts anything: the supervisor does, and heals what the failure wedged.
      await waitFor(allPartsWork, {
        what: `every part working again after ${fault} (${FAULT_PART[fault]})`,
        timeoutMs: 180_000,
        intervalMs: 1000,
      });
      await load.committedMore(100);
    } finally {
      await load.stop();
    }
    expect(load.stats.committed).toBeGreaterThan(200);
    await expectViewsExact();
  },
);

test('given two members of the group under write load, when one is killed, then the other takes its partitions and the views are exact', async () => {
  const second = startProjectorProcess({
    PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    PROJECTOR_GROUP_ID: GROUP,
    PROJECTOR_MEMBER_NAME: uniqueName('second'),
  });
  const load = startWriteLoad(env.writeDatabaseUrl, world, { seed: 99 });
  try {
    // The second member holds partitions of its own once the group has rebalanced.
    await waitFor(
      async () => {
        const { rows } = await read.query<{ members: string }>(
          'select count(distinct owner_member)::text as members from projection_checkpoints where consumer_group = $1 and topic like $2',
          [GROUP, 'im.public.%'],
        );
        return Number(rows[0]?.members) >= 2 ? true : undefined;
      },
      { what: 'both members holding partitions', timeoutMs: 120_000, intervalMs: 500 },
    );
    await load.committedMore(100);
    second.child.kill('SIGKILL');
    await second.exited;
    await load.committedMore(100);
  } finally {
    await load.stop();
    second.child.kill('SIGKILL');
  }
  await expectViewsExact();
});
