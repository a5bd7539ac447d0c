import path from 'node:path';
import { versions } from './versions';

/**
 * Settings of the embedded local stack, read once from the environment.
 * Every problem is listed at once; a bad value stops the command before anything starts.
 */
export interface StackConfig {
  readonly rootDir: string;
  /** Git-ignored folder holding the JVM cache, data and logs. */
  readonly stateDir: string;
  readonly jvmCacheDir: string;
  readonly logDir: string;
  readonly runDir: string;
  readonly postgres: {
    readonly binDir: string;
    readonly dataDir: string;
    readonly host: string;
    readonly port: number;
    readonly superPassword: string;
    readonly user: string;
    readonly password: string;
    readonly writeDatabase: string;
    readonly readDatabase: string;
  };
  readonly kafka: {
    readonly host: string;
    readonly port: number;
    readonly controllerPort: number;
    readonly dataDir: string;
    readonly heap: string;
  };
  readonly connect: {
    readonly host: string;
    readonly port: number;
    readonly heap: string;
    readonly groupId: string;
  };
  /** Hash partitions of the read side's contract tables (the projector's READ_PARTITIONS). */
  readonly readPartitions: number;
  /** Where `npm start` runs the services (write and query API) and the projector's metrics. */
  readonly apps: { readonly apiPort: number; readonly metricsPort: number };
  /** How often the supervisor `npm start` leaves running probes and heals the stack. */
  readonly supervisor: { readonly intervalMs: number };
}

export interface StackUrls {
  readonly WRITE_DATABASE_URL: string;
  readonly READ_DATABASE_URL: string;
  readonly KAFKA_BROKERS: string;
  readonly CONNECT_URL: string;
}

export class StackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StackConfigError';
  }
}

const rootDir = path.resolve(__dirname, '..', '..');

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const problems: string[] = [];

  const port = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      problems.push(`${name}=${raw} is not a TCP port (1-65535)`);
      return fallback;
    }
    return value;
  };
  const count = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 1024) {
      problems.push(`${name}=${raw} must be an integer from 1 to 1024`);
      return fallback;
    }
    return value;
  };
  const heap = (name: string, fallback: string): string => {
    const raw = env[name] ?? fallback;
    if (!/^\d+[mMgG]$/.test(raw)) problems.push(`${name}=${raw} is not a JVM heap size such as 512m or 1g`);
    return raw;
  };
  const text = (name: string, fallback: string, pattern = /^[A-Za-z0-9_.-]+$/): string => {
    const raw = env[name] ?? fallback;
    if (!pattern.test(raw)) problems.push(`${name}=${raw} must match ${pattern}`);
    return raw;
  };

  const stateDir = path.resolve(env.STACK_DIR ?? path.join(rootDir, 'infra', '.local'));
  const config: StackConfig = {
    rootDir,
    stateDir,
    jvmCacheDir: path.join(stateDir, 'jvm'),
    logDir: path.join(stateDir, 'logs'),
    runDir: path.join(stateDir, 'run'),
    postgres: {
      binDir: env.STACK_PG_BIN_DIR ?? `/usr/lib/postgresql/${versions.postgresql}/bin`,
      dataDir: path.join(stateDir, 'postgres', 'data'),
      host: '127.0.0.1',
      port: port('STACK_PG_PORT', 55432),
      superPassword: 'postgres',
      user: text('STACK_PG_USER', 'im'),
      password: text('STACK_PG_PASSWORD', 'im'),
      writeDatabase: 'im_write',
      readDatabase: 'im_read',
    },
    kafka: {
      host: '127.0.0.1',
      port: port('STACK_KAFKA_PORT', 59092),
      controllerPort: port('STACK_KAFKA_CONTROLLER_PORT', 59093),
      dataDir: path.join(stateDir, 'kafka', 'data'),
      heap: heap('STACK_KAFKA_HEAP', '768m'),
    },
    connect: {
      host: '127.0.0.1',
      port: port('STACK_CONNECT_PORT', 58083),
      heap: heap('STACK_CONNECT_HEAP', '1g'),
      groupId: 'im-connect',
    },
    readPartitions: count('READ_PARTITIONS', 16),
    apps: { apiPort: port('STACK_API_PORT', 8080), metricsPort: port('STACK_METRICS_PORT', 9464) },
    supervisor: { intervalMs: 1000 * count('STACK_SUPERVISE_SECONDS', 5) },
  };

  const ports = [config.postgres.port, config.kafka.port, config.kafka.controllerPort, config.connect.port, config.apps.apiPort, config.apps.metricsPort];
  if (new Set(ports).size !== ports.length) problems.push(`stack ports must differ: ${ports.join(', ')}`);
  if (problems.length > 0) throw new StackConfigError(problems);
  return Object.freeze(config);
}

export function stackUrls(config: StackConfig): StackUrls {
  const pg = config.postgres;
  const dbUrl = (db: string) => `postgres://${pg.user}:${pg.password}@${pg.host}:${pg.port}/${db}`;
  return {
    WRITE_DATABASE_URL: dbUrl(pg.writeDatabase),
    READ_DATABASE_URL: dbUrl(pg.readDatabase),
    KAFKA_BROKERS: `${config.kafka.host}:${config.kafka.port}`,
    CONNECT_URL: `http://${config.connect.host}:${config.connect.port}`,
  };
}
