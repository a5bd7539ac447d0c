import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { loadConnectorDefinition, twinInFormat } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import type { CdcFormat } from '../../infra/settings/cdcFormatSettings';
import { waitFor } from '../../infra/stack/waitFor';
import { stackEnv, uniqueName } from './stackEnv';
import { deleteTopicsOfPrefix, removeConnectorAndSlot } from './twinTeardown';

/** CDC from im_write to Kafka in one format: the topics a projector of it reads, and how to start one. */
export interface CdcPipeline {
  readonly format: CdcFormat;
  readonly topicPrefix: string;
  readonly slot: string;
  /** The connector's name in Connect. */
  readonly connector: string;
  /** What a projector reading this pipeline is given beside its own settings. */
  readonly projectorEnv: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * CDC in `format`: the stack's own connector when the stack runs in that format, otherwise a twin
 * of it in the other format (its own slot on the stack's publication, its own topics, streaming
 * from now), removed by `close` with its slot and topics. A suite runs its scenario through each
 * format this way while the stack runs in one. With `database`, always a connector of its own on
 * that write database (made by the migrations, so it has the publication).
 */
export async function openCdcPipeline(format: CdcFormat, { database }: { database?: string } = {}): Promise<CdcPipeline> {
  const env = stackEnv();
  const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';
  const projectorEnv = (topicPrefix: string) => ({ TOPIC_PREFIX: topicPrefix, CDC_FORMAT: format, SCHEMA_REGISTRY_URL: registryUrl });
  const stack = loadConnectorDefinition();
  if (database === undefined && (process.env.CDC_FORMAT ?? 'json') === format) {
    const topicPrefix = stack.config['topic.prefix']!;
    return {
      format,
      topicPrefix,
      slot: stack.config['slot.name']!,
      connector: stack.name,
      projectorEnv: projectorEnv(topicPrefix),
      close: async () => undefined,
    };
  }

  // Avro names (record namespaces come from the prefix) allow letters, digits and '_' only.
  const name = uniqueName(`cdc_${format}`);
  const definition = twinInFormat(stack, name, format, database === undefined ? {} : { 'database.dbname': database });
  const connectors = createConnectorRegistry({ connectUrl: env.connectUrl });
  const kafka = new Kafka({ clientId: `test-${name}`, brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureCdcTopics(admin, definition);
  } finally {
    await admin.disconnect();
  }
  const cdc = new Client({ connectionString: env.cdcDatabaseUrl });
  await cdc.connect();
  const slotActive = async () =>
    (await cdc.query('select active from pg_replication_slots where slot_name = $1', [name])).rows[0]?.active as boolean | undefined;
  try {
    await connectors.register(definition);
    await waitFor(async () => ((await slotActive()) === true ? true : undefined), {
      what: `replication slot ${name} active`,
      timeoutMs: 60_000,
    });
  } catch (error) {
    await cdc.end();
    throw error;
  }

  return {
    format,
    topicPrefix: name,
    slot: name,
    connector: name,
    projectorEnv: projectorEnv(name),
    async close() {
      await cdc.end();
      await removeConnectorAndSlot({ connectors, name, slot: name, cdcDatabaseUrl: env.cdcDatabaseUrl });
      await admin.connect();
      try {
        await deleteTopicsOfPrefix(admin, name);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
