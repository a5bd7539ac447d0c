import path from 'node:path';
import { chooseStateDir, type StateDirChoice } from './stateDir';
import { PIPELINE_ROLES, type PipelineRole } from '../db/pipelineRoles';
import { loadStackSecrets, type StackSecrets } from './stackSecrets';
import { optional } from '../settings/setting';
import { integer, logLevel, oneOf, text, type LogLevel } from '../settings/settingKinds';
import { CDC_FORMATS, type CdcFormat } from '../settings/cdcFormatSettings';
import { stackCdcFormat } from './stackFormat';
import { createSettingsReader } from '../settings/settingsReader';
import { fromEnvironment, type Environment } from '../settings/settingSources';
import { versions } from './versions';

export { ConfigError } from '../settings/configError';

/**
 * Settings of the embedded local stack, read once from the environment.
 * Every problem is listed at once; a bad value stops the command before anything starts.
 * Nothing else in infra/stack reads process.env.
 */
export interface StackConfig {
  readonly rootDir: string;
  /**
   * The folder holding the JVM cache, data and logs: STACK_DIR, or the checkout's git-ignored
   * infra/.local, or a folder the postgres OS user can reach (stateDir.ts).
   */
  readonly stateDir: string;
  readonly stateDirWhy: StateDirChoice['why'];
  /** The format the connector writes and the projector reads (stackFormat.ts). */
  readonly cdcFormat: CdcFormat;
  readonly jvmCacheDir: string;
  readonly logDir: string;
  readonly runDir: string;
  readonly postgres: {
    readonly binDir: string;
    readonly dataDir: string;
    readonly host: string;
    readonly port: number;
    readonly writeDatabase: string;
    readonly readDatabase: string;
    /**
     * WAL a replication slot may hold back before PostgreSQL invalidates it (max_slot_wal_keep_size):
     * larger keeps a slow or stopped connector's slot longer, at the cost of that much disk.
     */
    readonly maxSlotWalKeepSize: string;
  };
  readonly kafka: {
    readonly host: string;
    readonly port: number;
    readonly controllerPort: number;
    readonly dataDir: string;
    readonly heap: string;
    /** The JMX exporter agent's /metrics (the broker's metrics). */
    readonly metricsPort: number;
  };
  readonly connect: {
    readonly host: string;
    readonly port: number;
    readonly heap: string;
    readonly groupId: string;
    /** The JMX exporter agent's /metrics (Connect's and Debezium's metrics). */
    readonly metricsPort: number;
  };
  /** Debian's prometheus-postgres-exporter: PostgreSQL's and the replication slot's metrics. */
  readonly postgresExporter: { readonly binary: string; readonly host: string; readonly port: number };
  /** Apicurio Registry, its schemas kept in its own database on the stack's PostgreSQL. */
  readonly schemaRegistry: { readonly host: string; readonly port: number; readonly heap: string; readonly database: string };
  /** Debian's Prometheus: scrapes the stack and evaluates infra/prometheus/rules. */
  readonly prometheus: { readonly binary: string; readonly promtool: string; readonly host: string; readonly port: number };
  /** Hash partitions of the read side's contract tables (the projector's READ_PARTITIONS). */
  readonly readPartitions: number;
  /** Where `npm start` runs the services (write and query API) and the projector's metrics. */
  readonly apps: { readonly apiPort: number; readonly metricsPort: number };
  /** How often the supervisor `npm start` leaves running probes and heals the stack. */
  readonly supervisor: { readonly intervalMs: number };
  /** The stack's own logs, and the projector's and services' it starts (LOG_LEVEL). */
  readonly logLevel: LogLevel;
  /**
   * The environment the stack's processes (Kafka, Connect, the apps, the supervisor) inherit:
   * this command's own (PATH, JAVA_HOME, ...), to which each adds its settings.
   */
  readonly inheritedEnv: Environment;
}

/**
 * What `npm run stack -- env` exports: one database URL per role (infra/db/pipelineRoles.ts), each
 * under the name the part of that job reads, and the addresses of Kafka and Connect.
 */
export interface StackUrls {
  readonly WRITER_DATABASE_URL: string;
  readonly READER_DATABASE_URL: string;
  readonly PROJECTOR_DATABASE_URL: string;
  readonly CDC_DATABASE_URL: string;
  readonly MIGRATOR_WRITE_DATABASE_URL: string;
  readonly MIGRATOR_READ_DATABASE_URL: string;
  readonly VERIFIER_WRITE_DATABASE_URL: string;
  readonly VERIFIER_READ_DATABASE_URL: string;
  readonly MONITOR_DATABASE_URL: string;
  readonly KAFKA_BROKERS: string;
  readonly CONNECT_URL: string;
  /** The registry's Confluent-compatible API, as Avro clients and the Connect converter use it. */
  readonly SCHEMA_REGISTRY_URL: string;
}

const rootDir = path.resolve(__dirname, '..', '..');
const port = (fallback: number) => integer({ default: fallback, min: 1, max: 65535 });
const count = (fallback: number) => integer({ default: fallback, min: 1, max: 1024 });
const heap = (fallback: string) =>
  text({ default: fallback, pattern: /^\d+[mMgG]$/, mismatch: 'is not a JVM heap size such as 512m or 1g' });

const SETTINGS = {
  STACK_DIR: optional(text()),
  STACK_PG_BIN_DIR: text({ default: `/usr/lib/postgresql/${versions.postgresql}/bin` }),
  STACK_PG_PORT: port(55432),
  STACK_PG_MAX_SLOT_WAL_KEEP_SIZE: text({
    default: '2GB',
    pattern: /^[1-9]\d{0,6}(MB|GB|TB)$/,
    mismatch: 'is not a size such as 512MB or 2GB',
  }),
  STACK_KAFKA_PORT: port(59092),
  STACK_KAFKA_CONTROLLER_PORT: port(59093),
  STACK_KAFKA_HEAP: heap('768m'),
  STACK_KAFKA_METRICS_PORT: port(59094),
  STACK_CONNECT_PORT: port(58083),
  STACK_CONNECT_HEAP: heap('1g'),
  STACK_CONNECT_METRICS_PORT: port(58084),
  STACK_PG_EXPORTER_BIN: text({ default: '/usr/bin/prometheus-postgres-exporter' }),
  STACK_PG_EXPORTER_PORT: port(59187),
  STACK_REGISTRY_PORT: port(58081),
  STACK_REGISTRY_HEAP: heap('384m'),
  STACK_PROMETHEUS_BIN: text({ default: '/usr/bin/prometheus' }),
  STACK_PROMETHEUS_PORT: port(59090),
  READ_PARTITIONS: count(16),
  STACK_API_PORT: port(8080),
  STACK_METRICS_PORT: port(9464),
  STACK_SUPERVISE_SECONDS: count(5),
  LOG_LEVEL: logLevel(),
};

/**
 * `switchFormat`: whether this command may switch the stack's format by CDC_FORMAT (up and start
 * do); every other command, and the supervisor, keep to the format the stack was last brought up in.
 */
export function loadStackConfig(env: Environment = process.env, { switchFormat = false }: { switchFormat?: boolean } = {}): StackConfig {
  const reader = createSettingsReader('stack settings');
  const s = reader.read(fromEnvironment(env), SETTINGS);
  // Read (and checked) only by the commands that may switch: a bad value must not stop `down`.
  const asked = switchFormat ? reader.read(fromEnvironment(env), { CDC_FORMAT: optional(oneOf(CDC_FORMATS)) }).CDC_FORMAT : undefined;
  const { stateDir, why: stateDirWhy } = chooseStateDir({ rootDir, stackDir: s.STACK_DIR });
  const config: StackConfig = {
    rootDir,
    stateDir,
    stateDirWhy,
    cdcFormat: stackCdcFormat(stateDir, asked, { strict: switchFormat }),
    jvmCacheDir: path.join(stateDir, 'jvm'),
    logDir: path.join(stateDir, 'logs'),
    runDir: path.join(stateDir, 'run'),
    postgres: {
      binDir: s.STACK_PG_BIN_DIR,
      dataDir: path.join(stateDir, 'postgres', 'data'),
      host: '127.0.0.1',
      port: s.STACK_PG_PORT,
      writeDatabase: 'im_write',
      readDatabase: 'im_read',
      maxSlotWalKeepSize: s.STACK_PG_MAX_SLOT_WAL_KEEP_SIZE,
    },
    kafka: {
      host: '127.0.0.1',
      port: s.STACK_KAFKA_PORT,
      controllerPort: s.STACK_KAFKA_CONTROLLER_PORT,
      dataDir: path.join(stateDir, 'kafka', 'data'),
      heap: s.STACK_KAFKA_HEAP,
      metricsPort: s.STACK_KAFKA_METRICS_PORT,
    },
    connect: {
      host: '127.0.0.1',
      port: s.STACK_CONNECT_PORT,
      heap: s.STACK_CONNECT_HEAP,
      groupId: 'im-connect',
      metricsPort: s.STACK_CONNECT_METRICS_PORT,
    },
    postgresExporter: { binary: s.STACK_PG_EXPORTER_BIN, host: '127.0.0.1', port: s.STACK_PG_EXPORTER_PORT },
    schemaRegistry: { host: '127.0.0.1', port: s.STACK_REGISTRY_PORT, heap: s.STACK_REGISTRY_HEAP, database: 'im_registry' },
    prometheus: {
      binary: s.STACK_PROMETHEUS_BIN,
      promtool: path.join(path.dirname(s.STACK_PROMETHEUS_BIN), 'promtool'),
      host: '127.0.0.1',
      port: s.STACK_PROMETHEUS_PORT,
    },
    readPartitions: s.READ_PARTITIONS,
    apps: { apiPort: s.STACK_API_PORT, metricsPort: s.STACK_METRICS_PORT },
    supervisor: { intervalMs: 1000 * s.STACK_SUPERVISE_SECONDS },
    logLevel: s.LOG_LEVEL,
    // Each part gets its own URL and secrets from the stack; none inherits another role's from this shell.
    inheritedEnv: Object.freeze(
      Object.fromEntries(Object.entries(env).filter(([key]) => !/DATABASE_URL$|PASSWORD|SECRET|^CDC_FORMAT$/.test(key))),
    ),
  };

  const ports = [
    config.postgres.port,
    config.kafka.port,
    config.kafka.controllerPort,
    config.connect.port,
    config.kafka.metricsPort,
    config.connect.metricsPort,
    config.postgresExporter.port,
    config.schemaRegistry.port,
    config.prometheus.port,
    config.apps.apiPort,
    config.apps.metricsPort,
  ];
  if (new Set(ports).size !== ports.length) reader.problem(`stack ports must differ: ${ports.join(', ')}`);
  reader.check();
  return Object.freeze(config);
}

export function stackUrls(config: StackConfig, secrets: StackSecrets = loadStackSecrets(config.stateDir)): StackUrls {
  const pg = config.postgres;
  const dbUrl = (role: PipelineRole, db: string) =>
    `postgres://${PIPELINE_ROLES[role].name}:${encodeURIComponent(secrets.roles[role])}@${pg.host}:${pg.port}/${db}`;
  return {
    WRITER_DATABASE_URL: dbUrl('writer', pg.writeDatabase),
    READER_DATABASE_URL: dbUrl('reader', pg.readDatabase),
    PROJECTOR_DATABASE_URL: dbUrl('projector', pg.readDatabase),
    CDC_DATABASE_URL: dbUrl('cdc', pg.writeDatabase),
    MIGRATOR_WRITE_DATABASE_URL: dbUrl('migrator', pg.writeDatabase),
    MIGRATOR_READ_DATABASE_URL: dbUrl('migrator', pg.readDatabase),
    VERIFIER_WRITE_DATABASE_URL: dbUrl('verifier', pg.writeDatabase),
    VERIFIER_READ_DATABASE_URL: dbUrl('verifier', pg.readDatabase),
    MONITOR_DATABASE_URL: dbUrl('monitor', pg.writeDatabase),
    KAFKA_BROKERS: `${config.kafka.host}:${config.kafka.port}`,
    CONNECT_URL: `http://${config.connect.host}:${config.connect.port}`,
    SCHEMA_REGISTRY_URL: `http://${config.schemaRegistry.host}:${config.schemaRegistry.port}/apis/ccompat/v7`,
  };
}
