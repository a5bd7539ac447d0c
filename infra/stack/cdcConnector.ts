import type { Logger } from 'pino';
import { Client } from 'pg';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { inFormat, loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { readCdcRecovery } from './cdcRecoveryState';
import type { StackUrls } from './config';
import type { CdcFormat } from '../settings/cdcFormatSettings';
import { createConnectorHealth } from './connectorHealth';
import { withKafkaAdmin } from './withKafkaAdmin';

/**
 * The local stack's CDC connector: its definition, the Connect registry it is registered with, the
 * probe of whether it really streams, and its registration.
 */
export function createCdcConnector(urls: StackUrls, stateDir: string, log: Logger, format: CdcFormat) {
  const registry = createConnectorRegistry({ connectUrl: urls.CONNECT_URL });
  // The format's converters laid over connectors/im-write.json (connectors/avro-format.json for Avro).
  const definition = inFormat(loadConnectorDefinition(), format);
  /** A client on the connector's database, made for one piece of work and closed after it. */
  async function writeClient(): Promise<Client> {
    const client = new Client({ connectionString: urls.CDC_DATABASE_URL, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
  const health = createConnectorHealth({
    definition,
    registry,
    kafkaBrokers: urls.KAFKA_BROKERS,
    writeClient,
    recovery: () => readCdcRecovery(stateDir),
  });

  /** Topics first (the projector subscribes to all of them), then the idempotent PUT. */
  async function register(): Promise<void> {
    const made = await withKafkaAdmin(urls.KAFKA_BROKERS, (admin) => ensureCdcTopics(admin, definition));
    if (made.length > 0) log.info({ topics: made }, 'cdc topics created');
    await registry.register(definition);
  }

  return { definition, registry, health, register, writeClient };
}
