import { PIPELINE_ROLES, type PipelineRole } from '../../infra/db/pipelineRoles';
import { loadStackConfig } from '../../infra/stack/config';
import { loadStackSecrets } from '../../infra/stack/stackSecrets';

/** The running stack's settings, as exported by test/support/globalSetup.ts: one URL per role. */
export function stackEnv() {
  const read = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '')
      throw new Error(`${name} is not set: run the stack tests through jest (globalSetup starts the stack)`);
    return value;
  };
  return {
    /** im_write as the write services' role (DML on the contract's tables). */
    writeDatabaseUrl: read('WRITER_DATABASE_URL'),
    /** im_read as the projector's role (its owner). */
    readDatabaseUrl: read('PROJECTOR_DATABASE_URL'),
    /** im_read as the query API's role (reads the contract tables). */
    readerDatabaseUrl: read('READER_DATABASE_URL'),
    cdcDatabaseUrl: read('CDC_DATABASE_URL'),
    migratorWriteDatabaseUrl: read('MIGRATOR_WRITE_DATABASE_URL'),
    verifierWriteDatabaseUrl: read('VERIFIER_WRITE_DATABASE_URL'),
    verifierReadDatabaseUrl: read('VERIFIER_READ_DATABASE_URL'),
    kafkaBrokers: read('KAFKA_BROKERS').split(','),
    connectUrl: read('CONNECT_URL'),
  };
}

/** A name no earlier run used: tests own their topics, groups, slots and ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A URL of `database` on the stack's server as one of the pipeline's roles, or as its superuser
 * (tests that make and drop databases of their own). Passwords are the stack's generated ones.
 */
export function stackDatabaseUrl(database: string, as: PipelineRole | 'superuser'): string {
  const config = loadStackConfig();
  const secrets = loadStackSecrets(config.stateDir);
  const url = new URL(`postgres://${config.postgres.host}:${config.postgres.port}/${database}`);
  url.username = as === 'superuser' ? 'postgres' : PIPELINE_ROLES[as].name;
  url.password = as === 'superuser' ? secrets.superuser : secrets.roles[as];
  return url.toString();
}

/** Owners of a test's own databases, as the stack's own: the migrator owns a write side, the projector a read side. */
export const WRITE_SIDE_OWNER = PIPELINE_ROLES.migrator.name;
export const READ_SIDE_OWNER = PIPELINE_ROLES.projector.name;
