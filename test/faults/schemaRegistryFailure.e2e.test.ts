import { Kafka, logLevel } from 'kafkajs';
import { sourceTopics } from '../../projector/config';
import net from 'node:net';
import { Pool } from 'pg';
import pino from 'pino';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { loadStackConfig } from '../../infra/stack/config';
import { runningPid } from '../../infra/stack/daemon';
import { createLocalStack } from '../../infra/stack/localStack';
import { waitFor } from '../../infra/stack/waitFor';
import { createWatchdog } from '../../infra/stack/watchdog';
import { createReadPool } from '../../projector/db/readPool';
import { openCdcPipeline, type CdcPipeline } from '../support/cdcPipeline';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createLoadWorld, startWriteLoad, type LoadWorld } from '../support/writeLoad';

/**
 * The Avro format's own failure: the schema registry killed (SIGKILL) under write load, and a
 * projector member restarted meanwhile, so it has no schema cached and needs the registry for its
 * first batch. It must wait (nothing dead-lettered, its /readyz saying why), the supervisor's
 * watchdog must bring the registry back, and the views must end exact.
 */

jest.setTimeout(300_000);

const env = stackEnv();
const logger = pino({ level: 'warn' });
const stack = createLocalStack({ config: loadStackConfig(), logger });
const writePool = surviveConnectionLoss(new Pool({ connectionString: env.writeDatabaseUrl }), () => undefined);
const read = createReadPool(env.readDatabaseUrl, 2, () => undefined);
const group = uniqueName('registry_fault');
const connectors = createConnectorRegistry({ connectUrl: env.connectUrl });
let cdc: CdcPipeline;
let world: LoadWorld;
let projector: ReturnType<typeof startProjectorProcess> | undefined;
let metricsPort = 0;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startProjector(): void {
  projector = startProjectorProcess({
    PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    PROJECTOR_GROUP_ID: group,
    DEAD_LETTER_TOPIC: `${group}.dead-letters`,
    METRICS_PORT: String(metricsPort),
    ...cdc.projectorEnv,
  });
}

async function readiness(): Promise<{ ready: boolean; checks: Record<string, string> } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/readyz`, { signal: AbortSignal.timeout(2000) });
    return (await response.json()) as { ready: boolean; checks: Record<string, string> };
  } catch {
    return undefined;
  }
}

/** Where each partition ended before this test wrote anything. */
const startOffsets = new Map<string, bigint>();

/** Dead letters of records this test wrote (the stack's own topics also hold malformed records other suites wrote on purpose). */
/** Records in the pipeline's topics so far. */
async function topicEnds(): Promise<bigint> {
  const admin = new Kafka({ clientId: 'test-registry-ends', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let sum = 0n;
    for (const topic of sourceTopics(cdc.topicPrefix)) for (const p of await admin.fetchTopicOffsets(topic)) sum += BigInt(p.high);
    return sum;
  } finally {
    await admin.disconnect();
  }
}

async function deadLetters(): Promise<unknown[]> {
  const { rows } = await read.query<{ topic: string; partition: number; offset: string; error: string }>(
    'select topic, partition, "offset"::text, error from projection_dead_letters where consumer_group = $1',
    [group],
  );
  return rows.filter((l) => BigInt(l.offset) >= (startOffsets.get(`${l.topic}/${l.partition}`) ?? 0n));
}

beforeAll(async () => {
  cdc = await openCdcPipeline('avro');
  const admin = new Kafka({ clientId: 'test-registry-fault', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  for (const topic of sourceTopics(cdc.topicPrefix))
    for (const p of await admin.fetchTopicOffsets(topic)) startOffsets.set(`${topic}/${p.partition}`, BigInt(p.high));
  await admin.disconnect();
  metricsPort = await freePort();
  world = await createLoadWorld(writePool, uniqueName('registry'));
  startProjector();
});

afterAll(async () => {
  if (runningPid(stack.schemaRegistry.daemon) === undefined) await stack.startPart('schema-registry');
  if (projector !== undefined) {
    projector.child.kill('SIGTERM');
    await projector.exited;
  }
  await cdc.close();
  await writePool.end();
  await read.end();
});

it('given write load in Avro, when the registry is killed and a member restarts meanwhile, then it waits saying why, the watchdog brings the registry back, and the views are exact', async () => {
  const load = startWriteLoad(env.writeDatabaseUrl, world, { seed: 11 });
  try {
    await load.committedMore(80);
    await waitUntilCaughtUp(read, env.kafkaBrokers, group, 120_000, cdc.topicPrefix);
    // Debezium's heartbeat has reached Kafka, so the converter knows every schema the load needs
    // (a schema it has never seen fails its task while the registry is away: the watchdog's case).
    await waitFor(async () => ((await readiness())?.ready === true ? true : undefined), {
      what: 'the member ready, CDC heartbeats arriving',
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    const pid = runningPid(stack.schemaRegistry.daemon);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    // A member that starts now has no schema cached.
    projector!.child.kill('SIGKILL');
    await projector!.exited;
    startProjector();
    await load.committedMore(80);

    // Connect meanwhile: the converter keeps the schemas it has past their re-check (30 s) while
    // the registry is away, so the task runs and records keep reaching Kafka.
    const killedAt = Date.now();
    const ends = await topicEnds();
    await waitFor(async () => (Date.now() - killedAt > 40_000 ? true : undefined), {
      what: 'the registry away past the converter re-check',
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
    expect(await topicEnds()).toBeGreaterThan(ends);
    expect((await connectors.status(cdc.connector))?.tasks.map((t) => t.state)).toEqual(['RUNNING']);

    // The member waits for the registry and says so, and condemns nothing.
    const notReady = await waitFor(
      async () => {
        const state = await readiness();
        return state !== undefined && !state.ready && state.checks.schemaRegistry?.startsWith('unavailable') === true ? state : undefined;
      },
      { what: 'the restarted member to report the registry unavailable', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(notReady.checks.schemaRegistry).toContain(new URL(process.env.SCHEMA_REGISTRY_URL ?? '').host);
    expect(await deadLetters()).toEqual([]);

    // Nobody starts it by hand: the supervisor's watchdog round does.
    const dog = createWatchdog({ stack, logger });
    const { actions } = await dog.round();
    expect(actions).toContainEqual(expect.objectContaining({ part: 'schema-registry', action: 'start' }));
    await waitFor(
      async () => ((await dog.round()).health.find((p) => p.name === 'schema-registry')?.state === 'RUNNING' ? true : undefined),
      {
        what: 'the schema registry answering again',
        timeoutMs: 120_000,
        intervalMs: 1000,
      },
    );
    await load.committedMore(40);
  } finally {
    await load.stop();
  }

  await waitUntilCaptured(writePool, 120_000, cdc.slot);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group, 180_000, cdc.topicPrefix);
  expect(await deadLetters()).toEqual([]);
  await expectViewsMatchContract(world.users);
  expect((await readiness())?.checks.schemaRegistry).toBe('ok');
});
