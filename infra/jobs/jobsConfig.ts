import { hostPortList, httpUrl, integer, postgresUrl } from '../settings/settingKinds';
import { readSettings } from '../settings/settingsReader';
import { fromEnvironment, type Environment } from '../settings/settingSources';

/** The one-shot jobs' settings (migrations, connector registration), read once; names as `npm run stack -- env`. */

const MIGRATION_SETTINGS = {
  WRITE_DATABASE_URL: postgresUrl({ database: 'im_write' }),
  READ_DATABASE_URL: postgresUrl({ database: 'im_read' }),
  READ_PARTITIONS: integer({ default: 16, min: 1, max: 1024 }),
};

const REGISTRATION_SETTINGS = {
  CONNECT_URL: httpUrl(),
  // The CDC topics are made before the connector, as the local stack makes them: Debezium makes a
  // table's topic only at its first row, and the projector waits for every projected table's topic.
  KAFKA_BROKERS: hostPortList(),
};

/** Every variable each job reads (deployment files are checked against them). */
export const MIGRATION_SETTING_NAMES: readonly string[] = Object.keys(MIGRATION_SETTINGS);
export const REGISTRATION_SETTING_NAMES: readonly string[] = Object.keys(REGISTRATION_SETTINGS);

export function loadMigrationsConfig(env: Environment = process.env) {
  const s = readSettings(fromEnvironment(env), MIGRATION_SETTINGS, 'migration settings');
  return Object.freeze({ writeDatabaseUrl: s.WRITE_DATABASE_URL, readDatabaseUrl: s.READ_DATABASE_URL, readPartitions: s.READ_PARTITIONS });
}

export function loadRegistrationConfig(env: Environment = process.env) {
  const s = readSettings(fromEnvironment(env), REGISTRATION_SETTINGS, 'connector settings');
  return Object.freeze({ connectUrl: s.CONNECT_URL, kafkaBrokers: [...s.KAFKA_BROKERS] });
}
