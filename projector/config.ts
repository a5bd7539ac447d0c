import { hostname } from 'node:os';
import { PROJECTED_TABLES } from './decode/changeEvent';

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
  readonly logLevel: string;
  readonly memberName: string;
  /** Dirty marks one view builder pass takes: larger passes rebuild a busy channel's rows less often. */
  readonly marksPerBuild: number;
  /** Benchmark baseline only: one event per transaction, views built after each. */
  readonly oneEventPerTransaction: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid projector settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      problems.push(`${name} is required`);
      return '';
    }
    return value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const name = (variable: string, fallback: string): string => {
    const value = env[variable] ?? fallback;
    if (!/^[A-Za-z0-9._-]+$/.test(value)) problems.push(`${variable}=${value} may hold only letters, digits, '.', '_' and '-'`);
    return value;
  };

  const readDatabaseUrl = required('READ_DATABASE_URL');
  if (readDatabaseUrl !== '' && !/^postgres(ql)?:\/\//.test(readDatabaseUrl)) problems.push('READ_DATABASE_URL must be a postgres:// URL');
  const brokers = required('KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of brokers) if (!/^[^:\s]+:\d+$/.test(broker)) problems.push(`KAFKA_BROKERS entry ${broker} must be host:port`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`);
  const topicPrefix = name('TOPIC_PREFIX', 'im');
  const mode = env.PROJECTOR_TRANSACTION_MODE ?? 'batch';
  if (mode !== 'batch' && mode !== 'one-event') problems.push(`PROJECTOR_TRANSACTION_MODE=${mode} must be batch or one-event`);

  const config: ProjectorConfig = {
    readDatabaseUrl,
    kafkaBrokers: brokers,
    groupId: name('PROJECTOR_GROUP_ID', 'im-projector'),
    topicPrefix,
    readPartitions: integer('READ_PARTITIONS', 16, 1, 1024),
    concurrency: integer('PROJECTOR_CONCURRENCY', 4, 1, 64),
    marksPerBuild: integer('PROJECTOR_MARKS_PER_BUILD', 5000, 1, 1_000_000),
    metricsPort: integer('METRICS_PORT', 9464, 0, 65535),
    metricsHost: env.METRICS_HOST ?? '127.0.0.1',
    deadLetterTopic: name('DEAD_LETTER_TOPIC', `${topicPrefix}.projector.dead-letters`),
    logLevel,
    memberName: env.PROJECTOR_MEMBER_NAME ?? `${hostname()}-${process.pid}`,
    oneEventPerTransaction: mode === 'one-event',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** The CDC topics the projector reads, one per projected source table. */
export function sourceTopics(topicPrefix: string): string[] {
  return PROJECTED_TABLES.map((t) => `${topicPrefix}.public.${t}`);
}
