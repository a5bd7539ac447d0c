import { hostname } from 'node:os';
import {
  hostPortList,
  host,
  httpUrl,
  integer,
  logLevel,
  name,
  oneOf,
  postgresUrl,
  text,
  type LogLevel,
} from '../infra/settings/settingKinds';
import { optional } from '../infra/settings/setting';
import { createSettingsReader, readSettings } from '../infra/settings/settingsReader';
import { CDC_FORMAT_SETTING_NAMES, isAvroName, readCdcFormat, type CdcFormatSettings } from '../infra/settings/cdcFormatSettings';
import { fromEnvironment, type Environment } from '../infra/settings/settingSources';
import { PROJECTED_TABLES } from './decode/changeEvent';

export { ConfigError } from '../infra/settings/configError';

/**
 * The projector's settings, parsed once from the environment. Every problem is listed at
 * once and start-up stops, naming each bad or missing setting.
 */
export interface ProjectorConfig {
  readonly readDatabaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly groupId: string;
  readonly topicPrefix: string;
  readonly readPartitions: number;
  readonly concurrency: number;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly deadLetterTopic: string;
  readonly logLevel: LogLevel;
  readonly memberName: string;
  /** Dirty marks one view builder pass takes: larger passes rebuild a busy channel's rows less often. */
  readonly marksPerBuild: number;
  readonly builderWorkers: number;
  /** Benchmark baseline only: one event per transaction, views built after each. */
  readonly oneEventPerTransaction: boolean;
  /** The CDC records' format, and for Avro where their schemas are. */
  readonly cdc: CdcFormatSettings;
}

const SETTINGS = {
  PROJECTOR_DATABASE_URL: postgresUrl({ database: 'im_read' }),
  KAFKA_BROKERS: hostPortList(),
  LOG_LEVEL: logLevel(),
  TOPIC_PREFIX: name({ default: 'im' }),
  PROJECTOR_TRANSACTION_MODE: oneOf(['batch', 'one-event'], { default: 'batch' }),
  PROJECTOR_GROUP_ID: name({ default: 'im-projector' }),
  READ_PARTITIONS: integer({ default: 16, min: 1, max: 1024 }),
  PROJECTOR_CONCURRENCY: integer({ default: 4, min: 1, max: 64 }),
  PROJECTOR_MARKS_PER_BUILD: integer({ default: 5000, min: 1, max: 1_000_000 }),
  PROJECTOR_BUILDER_WORKERS: integer({ default: 2, min: 1, max: 16 }),
  METRICS_PORT: integer({ default: 9464, min: 0, max: 65535 }),
  METRICS_HOST: host({ default: '127.0.0.1' }),
  /** Default: <TOPIC_PREFIX>.projector.dead-letters */
  DEAD_LETTER_TOPIC: optional(name()),
  /** Default: <hostname>-<pid> */
  PROJECTOR_MEMBER_NAME: optional(text()),
};

/** Every variable `projector/main.ts` reads (deployment files are checked against it). */
export const PROJECTOR_SETTING_NAMES: readonly string[] = [...Object.keys(SETTINGS), ...CDC_FORMAT_SETTING_NAMES];

export function loadProjectorConfig(env: Environment = process.env): ProjectorConfig {
  const reader = createSettingsReader('projector settings');
  const source = fromEnvironment(env);
  const s = reader.read(source, SETTINGS);
  const cdc = readCdcFormat(reader, source);
  if (cdc.format === 'avro' && !isAvroName(s.TOPIC_PREFIX)) {
    reader.problem(
      `TOPIC_PREFIX=${s.TOPIC_PREFIX} must be an Avro namespace (dot-separated names of letters, digits, '_') when CDC_FORMAT is avro: Debezium names the record schemas after it`,
    );
  }
  reader.check();
  return Object.freeze({
    cdc,
    readDatabaseUrl: s.PROJECTOR_DATABASE_URL,
    kafkaBrokers: s.KAFKA_BROKERS,
    groupId: s.PROJECTOR_GROUP_ID,
    topicPrefix: s.TOPIC_PREFIX,
    readPartitions: s.READ_PARTITIONS,
    concurrency: s.PROJECTOR_CONCURRENCY,
    marksPerBuild: s.PROJECTOR_MARKS_PER_BUILD,
    builderWorkers: s.PROJECTOR_BUILDER_WORKERS,
    metricsPort: s.METRICS_PORT,
    metricsHost: s.METRICS_HOST,
    deadLetterTopic: s.DEAD_LETTER_TOPIC ?? `${s.TOPIC_PREFIX}.projector.dead-letters`,
    logLevel: s.LOG_LEVEL,
    memberName: s.PROJECTOR_MEMBER_NAME ?? `${hostname()}-${process.pid}`,
    oneEventPerTransaction: s.PROJECTOR_TRANSACTION_MODE === 'one-event',
  });
}

/**
 * im_write's URL as the verifier's role (read-only), for the operations that compare the views
 * with it (a rebuild verifies its version before the swap). The projector itself never reads
 * im_write, and its role may not connect there.
 */
export function loadWriteDatabaseUrl(env: Environment = process.env): string {
  return readSettings(fromEnvironment(env), { VERIFIER_WRITE_DATABASE_URL: postgresUrl({ database: 'im_write' }) }, 'rebuild settings')
    .VERIFIER_WRITE_DATABASE_URL;
}

/**
 * Where `lag` reads the source side of the chain (the slot, the connector). Both are optional: a
 * projector host that may not reach them shows those links as unknown, naming the setting.
 */
export interface ChainSettings {
  readonly writeDatabaseUrl: string | undefined;
  readonly connectUrl: string | undefined;
}

export function loadChainSettings(env: Environment = process.env): ChainSettings {
  const s = readSettings(
    fromEnvironment(env),
    {
      VERIFIER_WRITE_DATABASE_URL: optional(postgresUrl({ database: 'im_write' })),
      CONNECT_URL: optional(httpUrl()),
    },
    'lag settings',
  );
  return Object.freeze({ writeDatabaseUrl: s.VERIFIER_WRITE_DATABASE_URL, connectUrl: s.CONNECT_URL });
}

/** The CDC topics the projector reads, one per projected source table. */
export function sourceTopics(topicPrefix: string): string[] {
  return PROJECTED_TABLES.map((t) => `${topicPrefix}.public.${t}`);
}
