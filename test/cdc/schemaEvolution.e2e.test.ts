import { Client, Pool } from 'pg';
import pino from 'pino';
import { migrateWriteSide } from '../../infra/jobs/pipelineMigrations';
import { CDC_FORMATS, type CdcFormat } from '../../infra/settings/cdcFormatSettings';
import { verifyViews } from '../../projector/verify/verifyViews';
import { openCdcPipeline, type CdcPipeline } from '../support/cdcPipeline';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackDatabaseUrl, stackEnv, uniqueName, READ_SIDE_OWNER, WRITE_SIDE_OWNER } from '../support/stackEnv';
import { createLoadWorld, startWriteLoad, type LoadWorld } from '../support/writeLoad';

/**
 * Schema evolution, live, in both formats at once: one write database of the test's own under a
 * steady write load, a connector and a projector per format (each with its own read database).
 * Migrations add nullable columns to two write tables, then columns with defaults, while writes go
 * on. Debezium picks each change up from the stream (a new relation message), the Avro converter
 * registers a new schema version for it; the projectors keep applying, and verify stays clean.
 */

jest.setTimeout(300_000);

const env = stackEnv();
const writeDatabase = uniqueName('evolve_write');
const readDatabases: Readonly<Record<CdcFormat, string>> = { json: uniqueName('evolve_read_json'), avro: uniqueName('evolve_read_avro') };
const admin = new Client({ connectionString: stackDatabaseUrl('postgres', 'superuser') });
const migrator = new Client({ connectionString: stackDatabaseUrl(writeDatabase, 'migrator') });
let writePool: Pool;
const pipelines = new Map<
  CdcFormat,
  { cdc: CdcPipeline; group: string; read: Pool; projector: ReturnType<typeof startProjectorProcess> }
>();
let world: LoadWorld;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${writeDatabase} owner ${WRITE_SIDE_OWNER}`);
  for (const database of Object.values(readDatabases)) await admin.query(`create database ${database} owner ${READ_SIDE_OWNER}`);
  // The write side as the migrations job makes it: tables, grants, and the publication.
  await migrateWriteSide(stackDatabaseUrl(writeDatabase, 'migrator'));
  await migrator.connect();
  writePool = new Pool({ connectionString: stackDatabaseUrl(writeDatabase, 'writer'), max: 2 });
  for (const format of CDC_FORMATS) {
    const cdc = await openCdcPipeline(format, { database: writeDatabase });
    const group = uniqueName(`evolve_${format}`);
    const projector = startProjectorProcess({
      PROJECTOR_DATABASE_URL: stackDatabaseUrl(readDatabases[format], 'projector'),
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      PROJECTOR_GROUP_ID: group,
      DEAD_LETTER_TOPIC: `${group}.dead-letters`,
      READ_PARTITIONS: '4',
      ...cdc.projectorEnv,
    });
    pipelines.set(format, {
      cdc,
      group,
      projector,
      read: new Pool({ connectionString: stackDatabaseUrl(readDatabases[format], 'projector'), max: 2 }),
    });
  }
  world = await createLoadWorld(writePool, uniqueName('evolve'));
});

afterAll(async () => {
  for (const { cdc, projector, read } of pipelines.values()) {
    projector.child.kill('SIGTERM');
    await projector.exited;
    await read.end();
    await cdc.close();
  }
  await writePool?.end();
  await migrator.end();
  for (const database of [writeDatabase, ...Object.values(readDatabases)])
    await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

it('given write load, when migrations add nullable columns and then columns with defaults, then both formats keep applying and verify stays clean', async () => {
  const load = startWriteLoad(stackDatabaseUrl(writeDatabase, 'writer'), world, { seed: 7 });
  try {
    await load.committedMore(80);
    // A nullable column on a table the projection reads whole, and on its busiest table.
    await migrator.query('alter table users add column bio text');
    await migrator.query('alter table messages add column edited_at timestamptz');
    await load.committedMore(80);
    // A writer that knows the new column uses it; one that does not keeps working.
    await writePool.query("update users set bio = 'hello', updated_at = now() where id = $1", [String(world.users[0])]);
    await migrator.query("alter table users add column locale text not null default 'en'");
    await migrator.query('alter table channel_members add column notify_level smallint not null default 1');
    await load.committedMore(80);
    await writePool.query(
      "update users set nickname = 'evolved', locale = 'fr', profile_ver = profile_ver + 1, updated_at = now() where id = $1",
      [String(world.users[1])],
    );
  } finally {
    await load.stop();
  }
  expect(load.stats.committed).toBeGreaterThanOrEqual(240);

  for (const [format, { cdc, group, read }] of pipelines) {
    await waitUntilCaptured(writePool, 60_000, cdc.slot);
    await waitUntilCaughtUp(read, env.kafkaBrokers, group, 120_000, cdc.topicPrefix);
    const letters = await read.query('select topic, error from projection_dead_letters');
    expect({ format, letters: letters.rows }).toEqual({ format, letters: [] });
    const result = await verifyViews({
      writeUrl: stackDatabaseUrl(writeDatabase, 'verifier'),
      readUrl: stackDatabaseUrl(readDatabases[format], 'verifier'),
      logger: pino({ level: 'warn' }),
    });
    expect({ format, differing: result.views.filter((v) => v.missing + v.unexpected + v.differing > 0) }).toEqual({
      format,
      differing: [],
    });
    expect(result.views.find((v) => v.view === 'user_conversation_view')?.expectedRows).toBeGreaterThan(0);
    const renamed = await read.query('select nickname from ref_users where id = $1', [String(world.users[1])]);
    expect(renamed.rows).toEqual([{ nickname: 'evolved' }]);
  }

  // In Avro each change of a table's shape is a new version of its value schema in the registry.
  const avro = pipelines.get('avro')!.cdc;
  const versions = async (table: string) => {
    const response = await fetch(`${process.env.SCHEMA_REGISTRY_URL}/subjects/${avro.topicPrefix}.public.${table}-value/versions`);
    expect(response.status).toBe(200);
    return ((await response.json()) as number[]).length;
  };
  expect(await versions('users')).toBeGreaterThanOrEqual(3);
  expect(await versions('messages')).toBeGreaterThanOrEqual(2);
});
