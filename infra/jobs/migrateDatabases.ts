/**
 * One-shot job: migrates the write database and the read database, then exits 0. The images run
 * it before the services and the projector (compose `migrate`, the Kubernetes Job); both apps
 * also migrate on start, so it only takes the DDL out of their start-up.
 */
import { inspect } from 'node:util';
import pino from 'pino';
import { migrateReadDatabase } from '../../projector/db/migrateReadDatabase';
import { migrateWriteDatabase } from '../../services/db/migrateWriteDatabase';
import { loadMigrationsConfig } from './jobsConfig';

async function main(): Promise<void> {
  const log = pino({ base: { job: 'migrate' } });
  const config = loadMigrationsConfig();
  await migrateWriteDatabase(config.writeDatabaseUrl);
  log.info('write database migrated');
  await migrateReadDatabase(config.readDatabaseUrl, config.readPartitions);
  log.info({ partitions: config.readPartitions }, 'read database migrated');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(inspect(error, { depth: 4 }));
    process.exit(1);
  },
);
