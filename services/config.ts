import { optional } from '../infra/settings/setting';
import {
  addressList,
  choiceList,
  host,
  integer,
  logLevel,
  originList,
  postgresUrl,
  secret,
  secretList,
  text,
  type LogLevel,
} from '../infra/settings/settingKinds';
import type { RequestGuards } from './http/requestGuards';
import { createSettingsReader, type SettingsReader } from '../infra/settings/settingsReader';
import { fromEnvironment, type Environment, type SettingSource } from '../infra/settings/settingSources';

export { ConfigError } from '../infra/settings/configError';
export type { LogLevel };

/**
 * Settings of the services (write API, query API), parsed from the environment once. Every problem is listed
 * at once, each naming its variable; nothing else in services/ reads process.env.
 */

export interface JwtSettings {
  /** The key new tokens are signed with. */
  readonly secret: string;
  /**
   * Keys of earlier rotations, still accepted for the tokens they signed (each token names its
   * key by `kid`). Keep one listed for a token lifetime after rotating away from it.
   */
  readonly previousSecrets: readonly string[];
  /** True when JWT_SECRET was not set outside production and the public dev secret stands in. */
  readonly usesDevSecret: boolean;
  /** Lifetime of the tokens this service issues (sign-up, token CLI). */
  readonly tokenTtlSeconds: number;
}

interface CommonSettings {
  readonly databasePoolSize: number;
  readonly http: { readonly host: string; readonly port: number };
  readonly guards: RequestGuards;
  readonly jwt: JwtSettings;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
}

export interface WriteApiConfig extends CommonSettings {
  readonly writeDatabaseUrl: string;
  /** Snowflake worker id: must differ between processes writing at the same time. */
  readonly idWorkerId: number;
}

export type ServiceApi = 'write' | 'query';
export const SERVICE_APIS: readonly ServiceApi[] = ['write', 'query'];
const API_DATABASE: Readonly<Record<ServiceApi, string>> = { write: 'WRITER_DATABASE_URL', query: 'READER_DATABASE_URL' };

/** One process, one port: the write API, the query API, or both (null = not served). */
export interface ServicesConfig extends CommonSettings {
  readonly write: { readonly databaseUrl: string; readonly idWorkerId: number } | null;
  /** The query API reads im_read only, through a read-only pool of databasePoolSize connections. */
  readonly query: { readonly databaseUrl: string } | null;
}

/**
 * Public on purpose: anyone can mint tokens with it, so it is only accepted outside production
 * and main.ts logs a warning whenever it is in use.
 */
export const DEV_JWT_SECRET = 'im-dev-only-jwt-secret-do-not-use-in-production';

const JWT_SETTINGS = {
  JWT_TTL_SECONDS: integer({ default: 86_400, min: 60, max: 31_536_000 }),
  JWT_SECRET: secret({ minLength: 32, purpose: 'HS256 key' }),
  JWT_PREVIOUS_SECRETS: secretList({ minLength: 32, purpose: 'HS256 keys' }),
  NODE_ENV: optional(text()),
};

const COMMON_SETTINGS = {
  LOG_LEVEL: logLevel(),
  HTTP_HOST: host({ default: '127.0.0.1' }),
  DATABASE_POOL_SIZE: integer({ default: 10, min: 1, max: 200 }),
  // Port 0 asks the OS for a free port (tests, the in-process workload API).
  HTTP_PORT: integer({ default: 8080, min: 0, max: 65_535 }),
  SHUTDOWN_TIMEOUT_MS: integer({ default: 10_000, min: 100, max: 600_000 }),
  RATE_LIMIT_SIGNUPS_PER_MINUTE: integer({ default: 20, min: 1, max: 1_000_000 }),
  RATE_LIMIT_ADDRESS_COMMANDS_PER_MINUTE: integer({ default: 3000, min: 1, max: 10_000_000 }),
  RATE_LIMIT_USER_COMMANDS_PER_MINUTE: integer({ default: 600, min: 1, max: 10_000_000 }),
  /** Browser origins allowed to call the API; unset: none (no CORS headers). */
  CORS_ORIGINS: originList(),
  /** Proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client; unset: the peer is the client. */
  HTTP_TRUSTED_PROXIES: addressList(),
};

const ID_WORKER_ID = { ID_WORKER_ID: integer({ default: 0, min: 0, max: 1023 }) };

/** Every variable `services/main.ts` reads (deployment files are checked against it). */
export const SERVICES_SETTING_NAMES: readonly string[] = [
  'SERVICE_APIS',
  ...Object.values(API_DATABASE),
  ...Object.keys(ID_WORKER_ID),
  ...Object.keys(JWT_SETTINGS),
  ...Object.keys(COMMON_SETTINGS),
];
const databaseUrl = (api: ServiceApi, requiredFor?: string) =>
  postgresUrl({ database: api === 'write' ? 'im_write' : 'im_read', ...(requiredFor === undefined ? {} : { requiredFor }) });

function readJwtSettings(reader: SettingsReader, source: SettingSource): JwtSettings {
  const s = reader.read(source, JWT_SETTINGS);
  const tokenTtlSeconds = s.JWT_TTL_SECONDS;
  const previousSecrets = s.JWT_PREVIOUS_SECRETS;
  if (s.JWT_SECRET !== undefined) return Object.freeze({ secret: s.JWT_SECRET, previousSecrets, usesDevSecret: false, tokenTtlSeconds });
  if (s.NODE_ENV === 'production') reader.problem('JWT_SECRET is required when NODE_ENV=production');
  return Object.freeze({ secret: DEV_JWT_SECRET, previousSecrets, usesDevSecret: true, tokenTtlSeconds });
}

/** Settings every API of the process shares, read once whichever APIs it serves. */
function readCommonSettings(reader: SettingsReader, source: SettingSource): CommonSettings {
  const s = reader.read(source, COMMON_SETTINGS);
  return {
    databasePoolSize: s.DATABASE_POOL_SIZE,
    http: Object.freeze({ host: s.HTTP_HOST, port: s.HTTP_PORT }),
    guards: Object.freeze({
      signupsPerAddressPerMinute: s.RATE_LIMIT_SIGNUPS_PER_MINUTE,
      commandsPerAddressPerMinute: s.RATE_LIMIT_ADDRESS_COMMANDS_PER_MINUTE,
      commandsPerUserPerMinute: s.RATE_LIMIT_USER_COMMANDS_PER_MINUTE,
      corsOrigins: s.CORS_ORIGINS,
      trustedProxies: s.HTTP_TRUSTED_PROXIES,
    }),
    jwt: readJwtSettings(reader, source),
    logLevel: s.LOG_LEVEL,
    shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT_MS,
  };
}

/** The write API alone: what the workload's in-process API needs. */
export function loadWriteApiConfig(env: Environment = process.env): WriteApiConfig {
  const reader = createSettingsReader();
  const source = fromEnvironment(env);
  const { WRITER_DATABASE_URL } = reader.read(source, { WRITER_DATABASE_URL: databaseUrl('write') });
  const common = readCommonSettings(reader, source);
  const { ID_WORKER_ID: idWorkerId } = reader.read(source, ID_WORKER_ID);
  reader.check();
  return Object.freeze({ writeDatabaseUrl: WRITER_DATABASE_URL, ...common, idWorkerId });
}

/**
 * What services/main.ts serves. SERVICE_APIS (a comma list of write, query) says which APIs; each
 * listed one requires its database URL. Without SERVICE_APIS the process serves every API whose
 * URL is set (both with the stack's environment), and at least one must be.
 */
export function loadServicesConfig(env: Environment = process.env): ServicesConfig {
  const reader = createSettingsReader();
  const source = fromEnvironment(env);
  const listed = reader.read(source, { SERVICE_APIS: optional(choiceList(SERVICE_APIS)) }).SERVICE_APIS;
  const apis = listed ?? SERVICE_APIS.filter((api) => source.raw(API_DATABASE[api]) !== undefined);
  if (listed === undefined && apis.length === 0)
    reader.problem('WRITER_DATABASE_URL (write API) and/or READER_DATABASE_URL (query API) is required');

  // Checked even when the write API is off: a bad value is reported, not ignored until it matters.
  const { ID_WORKER_ID: idWorkerId } = reader.read(source, ID_WORKER_ID);
  const write = apis.includes('write')
    ? Object.freeze({
        databaseUrl: reader.read(source, { WRITER_DATABASE_URL: databaseUrl('write', 'the write API') }).WRITER_DATABASE_URL,
        idWorkerId,
      })
    : null;
  const query = apis.includes('query')
    ? Object.freeze({
        databaseUrl: reader.read(source, { READER_DATABASE_URL: databaseUrl('query', 'the query API') }).READER_DATABASE_URL,
      })
    : null;
  const common = readCommonSettings(reader, source);
  reader.check();
  return Object.freeze({ ...common, write, query });
}

/** The write API alone as startServices serves it (the workload's in-process API). */
export function writeApiOnly({ writeDatabaseUrl, idWorkerId, ...common }: WriteApiConfig): ServicesConfig {
  return Object.freeze({ ...common, write: Object.freeze({ databaseUrl: writeDatabaseUrl, idWorkerId }), query: null });
}

/** What the token CLI needs: only the signing settings, so it runs without a database. */
export function loadTokenIssuerConfig(env: Environment = process.env): JwtSettings {
  const reader = createSettingsReader();
  const jwt = readJwtSettings(reader, fromEnvironment(env));
  reader.check();
  return jwt;
}
