import { integer, postgresUrl, text } from '../settings/settingKinds';
import { readSettings } from '../settings/settingsReader';
import { fromEnvironment, type Environment } from '../settings/settingSources';

/** The one-shot jobs' settings (migrations, connector registration), read once; names as `npm run stack -- env`. */
export function loadMigrationsConfig(env: Environment = process.env) {
  const s = readSettings(
    fromEnvironment(env),
    {
      WRITE_DATABASE_URL: postgresUrl({ database: 'im_write' }),
      READ_DATABASE_URL: postgresUrl({ database: 'im_read' }),
      READ_PARTITIONS: integer({ default: 16, min: 1, max: 1024 }),
    },
    'migration settings',
  );
  return Object.freeze({ writeDatabaseUrl: s.WRITE_DATABASE_URL, readDatabaseUrl: s.READ_DATABASE_URL, readPartitions: s.READ_PARTITIONS });
}

export function loadRegistrationConfig(env: Environment = process.env) {
  const s = readSettings(
    fromEnvironment(env),
    { CONNECT_URL: text({ pattern: /^https?:\/\/\S+$/, mismatch: 'must be an http(s) URL' }) },
    'connector settings',
  );
  return Object.freeze({ connectUrl: s.CONNECT_URL });
}
