/**
 * Settings of the write services, parsed from the environment once. Every problem is listed
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

export interface WriteApiConfig {
  readonly writeDatabaseUrl: string;
  readonly databasePoolSize: number;
  readonly http: { readonly host: string; readonly port: number };
  readonly jwt: JwtSettings;
  /** Snowflake worker id: must differ between processes writing at the same time. */
  readonly idWorkerId: number;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
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

export function loadWriteApiConfig(env: Env = process.env): WriteApiConfig {
  const problems: string[] = [];
  const { raw, integer } = envReader(env, problems);

  const writeDatabaseUrl = raw('WRITE_DATABASE_URL') ?? '';
  if (writeDatabaseUrl === '') {
    problems.push('WRITE_DATABASE_URL is required (postgres://user:password@host:port/im_write)');
  } else if (!/^postgres(ql)?:\/\/\S+$/.test(writeDatabaseUrl)) {
    problems.push('WRITE_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const logLevel = (raw('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`);

  const host = raw('HTTP_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) problems.push(`HTTP_HOST=${host} is not a host name or address`);

  const config: WriteApiConfig = {
    writeDatabaseUrl,
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 200),
    // Port 0 asks the OS for a free port (tests, the in-process workload API).
    http: { host, port: integer('HTTP_PORT', 8080, 0, 65_535) },
    jwt: readJwtSettings(env, problems),
    idWorkerId: integer('ID_WORKER_ID', 0, 0, 1023),
    logLevel,
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...config, http: Object.freeze(config.http), jwt: Object.freeze(config.jwt) });
}

/** What the token CLI needs: only the signing settings, so it runs without a database. */
export function loadTokenIssuerConfig(env: Env = process.env): JwtSettings {
  const problems: string[] = [];
  const jwt = readJwtSettings(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(jwt);
}
