import { ConfigError, DEV_JWT_SECRET, loadServicesConfig, loadTokenIssuerConfig, loadWriteApiConfig } from './config';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const valid = { WRITER_DATABASE_URL: 'postgres://im:im@127.0.0.1:55432/im_write', JWT_SECRET: SECRET };

const problemsOf = (
  env: Record<string, string>,
  load: (env: Record<string, string>) => unknown = loadWriteApiConfig,
): readonly string[] => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadWriteApiConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadWriteApiConfig(valid);
    expect(config).toEqual({
      writeDatabaseUrl: valid.WRITER_DATABASE_URL,
      databasePoolSize: 10,
      http: { host: '127.0.0.1', port: 8080 },
      jwt: { secret: SECRET, previousSecrets: [], usesDevSecret: false, tokenTtlSeconds: 86_400 },
      guards: {
        signupsPerAddressPerMinute: 20,
        commandsPerAddressPerMinute: 3000,
        commandsPerUserPerMinute: 600,
        corsOrigins: [],
        trustedProxies: [],
      },
      idWorkerId: 0,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('reads every setting', () => {
    const config = loadWriteApiConfig({
      ...valid,
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: '0',
      ID_WORKER_ID: '1023',
      LOG_LEVEL: 'debug',
      DATABASE_POOL_SIZE: '4',
      JWT_TTL_SECONDS: '3600',
      SHUTDOWN_TIMEOUT_MS: '500',
    });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 0 });
    expect(config.idWorkerId).toBe(1023);
    expect(config.logLevel).toBe('debug');
    expect(config.databasePoolSize).toBe(4);
    expect(config.jwt.tokenTtlSeconds).toBe(3600);
    expect(config.shutdownTimeoutMs).toBe(500);
  });

  it('reads the guards: rate limits, CORS origins, trusted proxies, previous signing keys', () => {
    const config = loadWriteApiConfig({
      ...valid,
      RATE_LIMIT_SIGNUPS_PER_MINUTE: '5',
      RATE_LIMIT_ADDRESS_COMMANDS_PER_MINUTE: '100',
      RATE_LIMIT_USER_COMMANDS_PER_MINUTE: '10',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      HTTP_TRUSTED_PROXIES: '10.0.0.0/8,::1',
      JWT_PREVIOUS_SECRETS: `${'k'.repeat(32)},${'m'.repeat(40)}`,
    });
    expect(config.guards).toEqual({
      signupsPerAddressPerMinute: 5,
      commandsPerAddressPerMinute: 100,
      commandsPerUserPerMinute: 10,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      trustedProxies: ['10.0.0.0/8', '::1'],
    });
    expect(config.jwt.previousSecrets).toEqual(['k'.repeat(32), 'm'.repeat(40)]);
  });

  it('refuses a bad guard setting, naming it, and never repeats a key', () => {
    const problems = problemsOf({
      ...valid,
      RATE_LIMIT_SIGNUPS_PER_MINUTE: '0',
      CORS_ORIGINS: 'https://app.example.com/path,*',
      HTTP_TRUSTED_PROXIES: '10.0.0.0/33,proxy.local',
      JWT_PREVIOUS_SECRETS: 'too-short-a-key',
    });
    expect(problems.find((p) => p.startsWith('RATE_LIMIT_SIGNUPS_PER_MINUTE'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('CORS_ORIGINS'))).toContain('https://app.example.com/path, *');
    expect(problems.find((p) => p.startsWith('HTTP_TRUSTED_PROXIES'))).toContain('10.0.0.0/33, proxy.local');
    expect(problems.find((p) => p.startsWith('JWT_PREVIOUS_SECRETS'))).toContain('shorter than 32');
    expect(problems.join('\n').includes('too-short-a-key')).toBe(false);
  });

  it('refuses to trust every address as a proxy', () => {
    expect(problemsOf({ ...valid, HTTP_TRUSTED_PROXIES: '10.0.0.1,::/0' })).toEqual([
      'HTTP_TRUSTED_PROXIES: ::/0 would trust every address',
    ]);
  });

  it('lists every bad or missing setting at once, each by name', () => {
    const problems = problemsOf({
      JWT_SECRET: 'short',
      HTTP_PORT: '70000',
      ID_WORKER_ID: '1024',
      LOG_LEVEL: 'loud',
      DATABASE_POOL_SIZE: 'many',
      HTTP_HOST: 'bad host',
    });
    expect(problems).toHaveLength(7);
    for (const name of ['WRITER_DATABASE_URL', 'JWT_SECRET', 'HTTP_PORT', 'ID_WORKER_ID', 'LOG_LEVEL', 'DATABASE_POOL_SIZE', 'HTTP_HOST']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it('rejects a database URL that is not PostgreSQL', () => {
    expect(problemsOf({ ...valid, WRITER_DATABASE_URL: 'mysql://x/y' })).toEqual([
      'WRITER_DATABASE_URL must be a postgres:// or postgresql:// URL',
    ]);
  });

  it('falls back to the public dev secret outside production, and says so', () => {
    const config = loadWriteApiConfig({ WRITER_DATABASE_URL: valid.WRITER_DATABASE_URL });
    expect(config.jwt).toMatchObject({ secret: DEV_JWT_SECRET, usesDevSecret: true });
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ WRITER_DATABASE_URL: valid.WRITER_DATABASE_URL, NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
    ]);
  });
});

describe('loadServicesConfig', () => {
  const READ_URL = 'postgres://im:im@127.0.0.1:55432/im_read';
  const servicesProblemsOf = (env: Record<string, string>) => problemsOf(env, loadServicesConfig);

  it('serves both APIs when both database URLs are set', () => {
    const config = loadServicesConfig({ ...valid, READER_DATABASE_URL: READ_URL });
    expect(config.write).toEqual({ databaseUrl: valid.WRITER_DATABASE_URL, idWorkerId: 0 });
    expect(config.query).toEqual({ databaseUrl: READ_URL });
    expect(config).toMatchObject({ databasePoolSize: 10, http: { host: '127.0.0.1', port: 8080 }, logLevel: 'info' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.query)).toBe(true);
  });

  it('serves only the API whose database URL is set', () => {
    expect(loadServicesConfig(valid).query).toBeNull();
    const queryOnly = loadServicesConfig({ READER_DATABASE_URL: READ_URL, JWT_SECRET: SECRET });
    expect(queryOnly.write).toBeNull();
    expect(queryOnly.query).toEqual({ databaseUrl: READ_URL });
  });

  it('needs at least one database URL', () => {
    expect(servicesProblemsOf({ JWT_SECRET: SECRET })).toEqual([
      'WRITER_DATABASE_URL (write API) and/or READER_DATABASE_URL (query API) is required',
    ]);
  });

  it('with SERVICE_APIS, serves what it lists and requires each listed URL', () => {
    const writeOnly = loadServicesConfig({ ...valid, READER_DATABASE_URL: READ_URL, SERVICE_APIS: 'write' });
    expect(writeOnly.query).toBeNull();
    expect(servicesProblemsOf({ ...valid, SERVICE_APIS: 'write, query' })).toEqual([
      'READER_DATABASE_URL is required for the query API (postgres://user:password@host:port/im_read)',
    ]);
  });

  it('lists every bad setting at once', () => {
    const problems = servicesProblemsOf({
      SERVICE_APIS: 'write,read',
      READER_DATABASE_URL: 'mysql://x/y',
      WRITER_DATABASE_URL: 'x',
      HTTP_PORT: '-1',
    });
    expect(problems).toEqual([
      'SERVICE_APIS=write,read must be a comma list of write, query',
      'WRITER_DATABASE_URL must be a postgres:// or postgresql:// URL',
      'HTTP_PORT=-1 must be an integer from 0 to 65535',
    ]);
    expect(servicesProblemsOf({ READER_DATABASE_URL: 'mysql://x/y' })).toEqual([
      'READER_DATABASE_URL must be a postgres:// or postgresql:// URL',
    ]);
  });
});

describe('loadTokenIssuerConfig', () => {
  it('needs no database setting', () => {
    expect(loadTokenIssuerConfig({ JWT_SECRET: SECRET }).secret).toBe(SECRET);
  });

  it('reports a bad token lifetime', () => {
    expect(() => loadTokenIssuerConfig({ JWT_SECRET: SECRET, JWT_TTL_SECONDS: '-5' })).toThrow(/JWT_TTL_SECONDS/);
  });
});
