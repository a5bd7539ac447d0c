/**
 * Settings of the services (write API, query API), parsed from the environment once. Every problem is listed
 * at once, each naming its variable; nothing else in services/ reads process.env.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface JwtSettings {
  readonly secret: string;
  /** True when JWT_SECRET was not set outside production and the public dev secret stands in. */
  readonly usesDevSecret: boolean;
  /** Lifetime of the tokens this service issues (sign-up, token CLI). */
  readonly tokenTtlSeconds: number;
}

interface CommonSettings {
  readonly databasePoolSize: number;
  readonly http: { readonly host: string; readonly port: number };
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
const API_DATABASE: Readonly<Record<ServiceApi, string>> = { write: 'WRITE_DATABASE_URL', query: 'READ_DATABASE_URL' };

/** One process, one port: the write API, the query API, or both (null = not served). */
export interface ServicesConfig extends CommonSettings {
  readonly write: { readonly databaseUrl: string; readonly idWorkerId: number } | null;
  /** The query API reads im_read only, through a read-only pool of databasePoolSize connections. */
  readonly query: { readonly databaseUrl: string } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Public on purpose: anyone can mint tokens with it, so it is only accepted outside production
 * and main.ts logs a warning whenever it is in use.
 */
export const DEV_JWT_SECRET = 'im-dev-only-jwt-secret-do-not-use-in-production';
const MIN_SECRET_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

/** Field readers that record a problem instead of throwing, so one run reports them all. */
function envReader(env: Env, problems: string[]) {
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name}=${value} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  };
  return { raw, integer };
}

function readJwtSettings(env: Env, problems: string[]): JwtSettings {
  const { raw, integer } = envReader(env, problems);
  const tokenTtlSeconds = integer('JWT_TTL_SECONDS', 86_400, 60, 31_536_000);
  const secret = raw('JWT_SECRET');
  if (secret === undefined) {
    if (raw('NODE_ENV') === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
    return { secret: DEV_JWT_SECRET, usesDevSecret: true, tokenTtlSeconds };
  }
  if (secret.length < MIN_SECRET_LENGTH) problems.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (HS256 key)`);
  return { secret, usesDevSecret: false, tokenTtlSeconds };
}

/** Settings every API of the process shares, read once whichever APIs it serves. */
function readCommonSettings(env: Env, problems: string[]): CommonSettings {
  const { raw, integer } = envReader(env, problems);
  const logLevel = (raw('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`);

  const host = raw('HTTP_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) problems.push(`HTTP_HOST=${host} is not a host name or address`);

  return {
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 200),
    // Port 0 asks the OS for a free port (tests, the in-process workload API).
    http: { host, port: integer('HTTP_PORT', 8080, 0, 65_535) },
    jwt: readJwtSettings(env, problems),
    logLevel,
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}

/** A postgres URL, or '' after recording why there is none. */
function readDatabaseUrl(env: Env, problems: string[], name: string, example: string, requiredBecause: string): string {
  const url = envReader(env, problems).raw(name) ?? '';
  if (url === '') problems.push(`${name} is required${requiredBecause} (${example})`);
  else if (!/^postgres(ql)?:\/\/\S+$/.test(url)) problems.push(`${name} must be a postgres:// or postgresql:// URL`);
  return url;
}

const WRITE_URL_EXAMPLE = 'postgres://user:password@host:port/im_write';
const READ_URL_EXAMPLE = 'postgres://user:password@host:port/im_read';

function frozen<T extends CommonSettings>(config: T): T {
  return Object.freeze({ ...config, http: Object.freeze(config.http), jwt: Object.freeze(config.jwt) });
}

/** The write API alone: what the workload's in-process API needs. */
export function loadWriteApiConfig(env: Env = process.env): WriteApiConfig {
  const problems: string[] = [];
  const writeDatabaseUrl = readDatabaseUrl(env, problems, 'WRITE_DATABASE_URL', WRITE_URL_EXAMPLE, '');
  const common = readCommonSettings(env, problems);
  const idWorkerId = envReader(env, problems).integer('ID_WORKER_ID', 0, 0, 1023);
  if (problems.length > 0) throw new ConfigError(problems);
  return frozen({ writeDatabaseUrl, ...common, idWorkerId });
}

/**
 * What services/main.ts serves. SERVICE_APIS (a comma list of write, query) says which APIs; each
 * listed one requires its database URL. Without SERVICE_APIS the process serves every API whose
 * URL is set (both with the stack's environment), and at least one must be.
 */
export function loadServicesConfig(env: Env = process.env): ServicesConfig {
  const problems: string[] = [];
  const { raw, integer } = envReader(env, problems);

  let apis: ServiceApi[];
  const listed = raw('SERVICE_APIS');
  if (listed === undefined) {
    apis = SERVICE_APIS.filter((api) => raw(API_DATABASE[api]) !== undefined);
    if (apis.length === 0) problems.push('WRITE_DATABASE_URL (write API) and/or READ_DATABASE_URL (query API) is required');
  } else {
    const names = listed.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !(SERVICE_APIS as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) problems.push(`SERVICE_APIS=${listed} must be a comma list of ${SERVICE_APIS.join(', ')}`);
    apis = SERVICE_APIS.filter((api) => names.includes(api));
  }

  // Checked even when the write API is off: a bad value is reported, not ignored until it matters.
  const idWorkerId = integer('ID_WORKER_ID', 0, 0, 1023);
  const write = apis.includes('write')
    ? { databaseUrl: readDatabaseUrl(env, problems, 'WRITE_DATABASE_URL', WRITE_URL_EXAMPLE, ' for the write API'), idWorkerId }
    : null;
  const query = apis.includes('query')
    ? { databaseUrl: readDatabaseUrl(env, problems, 'READ_DATABASE_URL', READ_URL_EXAMPLE, ' for the query API') }
    : null;
  const common = readCommonSettings(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return frozen({ ...common, write: write && Object.freeze(write), query: query && Object.freeze(query) });
}

/** What the token CLI needs: only the signing settings, so it runs without a database. */
export function loadTokenIssuerConfig(env: Env = process.env): JwtSettings {
  const problems: string[] = [];
  const jwt = readJwtSettings(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(jwt);
}
