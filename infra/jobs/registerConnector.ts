/**
 * One-shot job: registers connectors/im-write.json with Connect by the same idempotent
 * `PUT /connectors/<name>/config` as the local stack, waits until it runs, then exits 0.
 * The database address and password reach Connect as its own environment (`${env:CDC_DATABASE_*}`).
 */
import pino from 'pino';
import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { loadRegistrationConfig } from './jobsConfig';

async function main(): Promise<void> {
  const log = pino({ base: { job: 'register-connector' } });
  const { connectUrl } = loadRegistrationConfig();
  const definition = loadConnectorDefinition();
  const status = await createConnectorRegistry({ connectUrl }).register(definition);
  log.info({ connector: definition.name, state: status.connector.state }, 'connector registered');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
