/**
 * One-shot job: makes the CDC topics that do not exist yet, registers connectors/im-write.json
 * (with connectors/avro-format.json laid over it when CDC_FORMAT=avro) with Connect by the same idempotent `PUT /connectors/<name>/config` as the local stack, restarts
 * it if an earlier attempt left it FAILED (a PUT of the same config changes nothing), waits until
 * it runs, then exits 0. The database address and password reach Connect as its own environment
 * (`${env:CDC_DATABASE_*}`).
 */
import { inspect } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { inFormat, loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { loadRegistrationConfig } from './jobsConfig';

async function main(): Promise<void> {
  const log = pino({ base: { job: 'register-connector' } });
  const { connectUrl, kafkaBrokers, format } = loadRegistrationConfig();
  const definition = inFormat(loadConnectorDefinition(), format);
  const admin = new Kafka({ clientId: 'register-connector', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const made = await ensureCdcTopics(admin, definition);
    log.info({ topics: made }, 'CDC topics made');
  } finally {
    await admin.disconnect();
  }
  const registry = createConnectorRegistry({ connectUrl });
  const status = await registry.register(definition).catch(async (error: unknown) => {
    log.warn({ err: error }, 'connector not running after registration; restarting it');
    return registry.restart(definition.name);
  });
  log.info({ connector: definition.name, state: status.connector.state }, 'connector registered');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(inspect(error, { depth: 4 }));
    process.exit(1);
  },
);
