import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { inFormat, loadConnectorDefinition, withOverrides } from '../../connectors/connectorDefinition';
import { CDC_FORMATS } from '../../infra/settings/cdcFormatSettings';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { ensurePublication } from '../../infra/db/pipelineRoles';
import { cdcTablesOf } from '../../infra/jobs/pipelineMigrations';
import { waitFor } from '../../infra/stack/waitFor';
import { exactLongTypeHook } from '../../projector/decode/exactAvroLongs';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createTopicReader, type TopicReader } from '../support/topicReader';

/**
 * The Avro format on the real stack: a connector of its own, in connectors/im-write.json laid under
 * connectors/avro-format.json, writes its records through Apicurio's converter and the schema
 * registry, and a Confluent-compatible reader (the one the projector will use) decodes them, every
 * int64 exact.
 */
const env = stackEnv();
const name = uniqueName('avro_test');
// Avro names (record namespaces come from the prefix) allow letters, digits and underscores only.
const prefix = name;
const connectors = createConnectorRegistry({ connectUrl: env.connectUrl });
const migrator = new Client({ connectionString: env.migratorWriteDatabaseUrl });
const schemaRegistry = () => {
  const host = process.env.SCHEMA_REGISTRY_URL;
  if (host === undefined) throw new Error('SCHEMA_REGISTRY_URL is not set: run through jest');
  return new SchemaRegistry({ host }, { [SchemaType.AVRO]: { typeHook: exactLongTypeHook } });
};
let reader: TopicReader | undefined;
const USER_ID = 2n ** 62n + BigInt(Date.now());

beforeAll(async () => {
  await migrator.connect();
  const definition = inFormat(
    withOverrides(loadConnectorDefinition(), name, {
      'slot.name': name,
      'publication.name': name,
      'topic.prefix': prefix,
      'snapshot.mode': 'no_data',
    }),
    'avro',
  );
  await ensurePublication(migrator, name, cdcTablesOf(definition).published);
  await connectors.register(definition);
  await waitFor(
    async () =>
      (await migrator.query('select active from pg_replication_slots where slot_name = $1', [name])).rows[0]?.active === true
        ? true
        : undefined,
    { what: `replication slot ${name} active`, timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await reader?.stop();
  await connectors.remove(name).catch(() => false);
  await waitFor(
    async () => {
      const slot = await migrator.query('select active from pg_replication_slots where slot_name = $1', [name]);
      if (slot.rowCount === 0) return true;
      if (slot.rows[0]?.active === true) return undefined;
      const cdc = new Client({ connectionString: env.cdcDatabaseUrl });
      await cdc.connect();
      await cdc.query('select pg_drop_replication_slot($1)', [name]).finally(() => cdc.end());
      return true;
    },
    { what: `slot ${name} released`, timeoutMs: 60_000 },
  );
  await migrator.query(`drop publication if exists "${name}"`);
  await migrator.end();
  const admin = new Kafka({ clientId: 'test-cleanup', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({
    topics: (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) || t === `__debezium-heartbeat.${prefix}`),
  });
  await admin.disconnect();
});

it('the formats are JSON and Avro, and Avro changes only the converters', () => {
  expect(CDC_FORMATS).toEqual(['json', 'avro']);
  const json = loadConnectorDefinition();
  const avro = inFormat(json, 'avro');
  const changed = Object.keys(avro.config).filter((key) => avro.config[key] !== json.config[key]);
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.every((key) => /^(key|value)\.converter/.test(key))).toBe(true);
});

it('given a user inserted with an id above 2^53, then its Avro change event decodes through the registry with every int64 exact', async () => {
  await migrator.query("insert into users (id, nickname) values ($1, 'avro-ann')", [USER_ID]);
  const registry = schemaRegistry();
  reader = await createTopicReader({
    brokers: env.kafkaBrokers,
    topics: [`${prefix}.public.users`],
    decode: (bytes) => registry.decode(bytes),
  });
  const [record] = await reader.until((r) => (r.key as { id?: unknown } | null)?.id === USER_ID, 1);
  expect(record!.key).toEqual({ id: USER_ID });
  const value = record!.value as { op: string; after: Record<string, unknown>; source: { table: string; lsn: unknown; txId: unknown } };
  expect(value.op).toBe('c');
  expect(value.after).toMatchObject({ id: USER_ID, nickname: 'avro-ann', profile_ver: 1 });
  expect(value.source.table).toBe('users');
  expect(typeof value.source.lsn).toBe('bigint');
  expect(typeof value.source.txId).toBe('bigint');
});
