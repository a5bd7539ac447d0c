import { optional } from '../settings/setting';
import { hostPortList, httpUrl, integer, oneOf, postgresUrl } from '../settings/settingKinds';
import { createSettingsReader, readSettings } from '../settings/settingsReader';
import { fromEnvironment, type Environment } from '../settings/settingSources';
import { PIPELINE_ROLES, type PipelineRole } from '../db/pipelineRoles';
import { CDC_FORMATS } from '../settings/cdcFormatSettings';
import { REGISTRY_DATABASE, REGISTRY_ROLE } from '../db/registryDatabase';

/** The one-shot jobs' settings (migrations, connector registration), read once; names as `npm run stack -- env`. */

/** The URL each role's password is taken from when the job makes the roles (one per role). */
const ROLE_URL_SETTINGS: Readonly<Record<PipelineRole, string>> = {
  migrator: 'MIGRATOR_WRITE_DATABASE_URL',
  writer: 'WRITER_DATABASE_URL',
  cdc: 'CDC_DATABASE_URL',
  projector: 'PROJECTOR_DATABASE_URL',
  reader: 'READER_DATABASE_URL',
  verifier: 'VERIFIER_WRITE_DATABASE_URL',
  monitor: 'MONITOR_DATABASE_URL',
};

const MIGRATION_SETTINGS = {
  MIGRATOR_WRITE_DATABASE_URL: postgresUrl({ database: 'im_write' }),
  MIGRATOR_READ_DATABASE_URL: postgresUrl({ database: 'im_read' }),
  READ_PARTITIONS: integer({ default: 16, min: 1, max: 1024 }),
  /**
   * A superuser (or a role with CREATEROLE and CREATEDB) on the server: when set, the job first
   * makes the roles and both databases, each role with the password of its URL below.
   */
  ADMIN_DATABASE_URL: optional(postgresUrl({ database: 'postgres' })),
  WRITER_DATABASE_URL: optional(postgresUrl({ database: 'im_write' })),
  CDC_DATABASE_URL: optional(postgresUrl({ database: 'im_write' })),
  PROJECTOR_DATABASE_URL: optional(postgresUrl({ database: 'im_read' })),
  READER_DATABASE_URL: optional(postgresUrl({ database: 'im_read' })),
  VERIFIER_WRITE_DATABASE_URL: optional(postgresUrl({ database: 'im_write' })),
  MONITOR_DATABASE_URL: optional(postgresUrl({ database: 'im_write' })),
  /** With ADMIN_DATABASE_URL: the schema registry's role and database are made too (the Avro format). */
  REGISTRY_DATABASE_URL: optional(postgresUrl({ database: REGISTRY_DATABASE })),
};

const REGISTRATION_SETTINGS = {
  CONNECT_URL: httpUrl(),
  // The CDC topics are made before the connector, as the local stack makes them: Debezium makes a
  // table's topic only at its first row, and the projector waits for every projected table's topic.
  KAFKA_BROKERS: hostPortList(),
  /** The converters the connector is registered with (Connect reads the registry at its own CDC_REGISTRY_URL). */
  CDC_FORMAT: oneOf(CDC_FORMATS, { default: 'json' }),
};

/** Every variable each job reads (deployment files are checked against them). */
export const MIGRATION_SETTING_NAMES: readonly string[] = Object.keys(MIGRATION_SETTINGS);
export const REGISTRATION_SETTING_NAMES: readonly string[] = Object.keys(REGISTRATION_SETTINGS);

export interface RoleSetup {
  readonly adminDatabaseUrl: string;
  readonly passwords: Readonly<Record<PipelineRole, string>>;
  /** The schema registry's database and its role's password, when REGISTRY_DATABASE_URL is set. */
  readonly registry: { readonly database: string; readonly password: string } | null;
}

export function loadMigrationsConfig(env: Environment = process.env) {
  const reader = createSettingsReader('migration settings');
  const s = reader.read(fromEnvironment(env), MIGRATION_SETTINGS);
  // Both migrator URLs are one role's: the same user and password, on the two databases.
  if (s.MIGRATOR_WRITE_DATABASE_URL !== '' && s.MIGRATOR_READ_DATABASE_URL !== '') {
    const [write, read] = [new URL(s.MIGRATOR_WRITE_DATABASE_URL), new URL(s.MIGRATOR_READ_DATABASE_URL)];
    if (write.username !== read.username || write.password !== read.password) {
      reader.problem('MIGRATOR_WRITE_DATABASE_URL and MIGRATOR_READ_DATABASE_URL must name the same role with the same password');
    }
  }
  let roles: RoleSetup | null = null;
  if (s.ADMIN_DATABASE_URL !== undefined) {
    const passwords: Partial<Record<PipelineRole, string>> = {};
    for (const [role, setting] of Object.entries(ROLE_URL_SETTINGS) as [PipelineRole, keyof typeof s][]) {
      const value = s[setting];
      if (typeof value !== 'string' || value === '') {
        reader.problem(`${setting} is required with ADMIN_DATABASE_URL (it gives the ${PIPELINE_ROLES[role].name} role its password)`);
        continue;
      }
      const url = new URL(value);
      if (decodeURIComponent(url.username) !== PIPELINE_ROLES[role].name) {
        reader.problem(`${setting} must name the role ${PIPELINE_ROLES[role].name} (${PIPELINE_ROLES[role].job})`);
      }
      if (url.password === '') reader.problem(`${setting} has no password`);
      passwords[role] = decodeURIComponent(url.password);
    }
    let registry: RoleSetup['registry'] = null;
    if (s.REGISTRY_DATABASE_URL !== undefined) {
      const url = new URL(s.REGISTRY_DATABASE_URL);
      if (decodeURIComponent(url.username) !== REGISTRY_ROLE) reader.problem(`REGISTRY_DATABASE_URL must name the role ${REGISTRY_ROLE}`);
      if (url.password === '') reader.problem('REGISTRY_DATABASE_URL has no password');
      registry = { database: decodeURIComponent(url.pathname.slice(1)) || REGISTRY_DATABASE, password: decodeURIComponent(url.password) };
    }
    roles = { adminDatabaseUrl: s.ADMIN_DATABASE_URL, passwords: passwords as Record<PipelineRole, string>, registry };
  } else if (s.REGISTRY_DATABASE_URL !== undefined) {
    reader.problem("REGISTRY_DATABASE_URL needs ADMIN_DATABASE_URL (the job makes the registry's role and database as that superuser)");
  }
  reader.check();
  return Object.freeze({
    writeDatabaseUrl: s.MIGRATOR_WRITE_DATABASE_URL,
    readDatabaseUrl: s.MIGRATOR_READ_DATABASE_URL,
    readPartitions: s.READ_PARTITIONS,
    roles,
  });
}

/** What the registration job reads; CDC_FORMAT picks the converters the connector is registered with. */
export function loadRegistrationConfig(env: Environment = process.env) {
  const s = readSettings(fromEnvironment(env), REGISTRATION_SETTINGS, 'connector settings');
  return Object.freeze({ connectUrl: s.CONNECT_URL, kafkaBrokers: [...s.KAFKA_BROKERS], format: s.CDC_FORMAT });
}
