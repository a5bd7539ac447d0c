/**
 * One-shot job: (given ADMIN_DATABASE_URL) makes the pipeline's roles and databases (and, given
 * REGISTRY_DATABASE_URL, the schema registry's role and database), then migrates
 * the write database and the read database with their grants, then exits 0. The images run it
 * before the services and the projector (compose `migrate`, the Kubernetes Job). The services do
 * no DDL: their role may not.
 */
import { inspect } from 'node:util';
import { Client } from 'pg';
import pino from 'pino';
import { ensurePipelineRoles } from '../db/pipelineRoles';
import { ensureRegistryDatabase } from '../db/registryDatabase';
import { loadMigrationsConfig } from './jobsConfig';
import { migrateReadSide, migrateWriteSide } from './pipelineMigrations';

const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

async function main(): Promise<void> {
  const log = pino({ base: { job: 'migrate' } });
  const config = loadMigrationsConfig();
  if (config.roles !== null) {
    const admin = new Client({ connectionString: config.roles.adminDatabaseUrl });
    await admin.connect();
    try {
      await ensurePipelineRoles(admin, config.roles.passwords, {
        writeDatabase: databaseOf(config.writeDatabaseUrl),
        readDatabase: databaseOf(config.readDatabaseUrl),
      });
      const registry = config.roles.registry;
      if (registry !== null) await ensureRegistryDatabase(admin, registry.password, registry.database);
    } finally {
      await admin.end();
    }
    log.info('roles and databases ready');
  }
  await migrateWriteSide(config.writeDatabaseUrl);
  log.info('write database migrated');
  await migrateReadSide(config.readDatabaseUrl, config.readPartitions);
  log.info({ partitions: config.readPartitions }, 'read database migrated');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(inspect(error, { depth: 4 }));
    process.exit(1);
  },
);
