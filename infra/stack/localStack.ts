import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { connectorRegistry } from '../../connectors/connectorRegistry';
import { migrateReadDatabase } from '../../projector/db/migrateReadDatabase';
import { migrateWriteDatabase } from '../../services/db/migrateWriteDatabase';
import { stackUrls, type StackConfig, type StackUrls } from './config';
import { connectWorker } from './connectWorker';
import { runningPid } from './daemon';
import { ensureJvmArtifacts } from './jvmArtifacts';
import { kafkaBroker } from './kafkaBroker';
import { pipelineApps } from './pipelineApps';
import { postgresCluster } from './postgres';
import { checkPrerequisites } from './prerequisites';

export interface ComponentStatus {
  readonly name: string;
  readonly running: boolean;
  readonly pid?: number;
  readonly listens: string;
  readonly log: string;
}

/** The embedded local stack: PostgreSQL, Kafka (KRaft), Kafka Connect + Debezium, the CDC connector. */
export function localStack({ config, logger }: { config: StackConfig; logger: Logger }) {
  const log = logger.child({ component: 'stack' });
  const postgres = postgresCluster(config, log.child({ part: 'postgres' }));
  const kafka = kafkaBroker(config, log.child({ part: 'kafka' }));
  const connect = connectWorker(config, log.child({ part: 'connect' }));
  const urls = stackUrls(config);
  const registry = connectorRegistry({ connectUrl: urls.CONNECT_URL });
  const apps = pipelineApps(config, log);

  /** What the Connect worker's EnvVarConfigProvider resolves ${env:CDC_DATABASE_*} from. */
  const connectEnv = {
    CDC_DATABASE_HOST: config.postgres.host,
    CDC_DATABASE_PORT: String(config.postgres.port),
    CDC_DATABASE_USER: config.postgres.user,
    CDC_DATABASE_PASSWORD: config.postgres.password,
    CDC_DATABASE_NAME: config.postgres.writeDatabase,
  };

  return {
    urls,
    registry,
    postgres,
    apps,

    /** The whole pipeline: the stack, then the projector and the services on it. */
    async start(): Promise<StackUrls> {
      await this.up();
      await apps.start(urls);
      return urls;
    },

    /** Starts whatever is not running yet and reuses the rest; safe to call again. */
    async up(): Promise<StackUrls> {
      const started = Date.now();
      checkPrerequisites(config);
      const jvm = ensureJvmArtifacts(config, log);
      await Promise.all([
        (async () => {
          await postgres.start();
          await migrateWriteDatabase(urls.WRITE_DATABASE_URL);
          // The projector migrates im_read too when it starts; doing it here lets the query API
          // (or a test) run against an empty read side before any projector has.
          await migrateReadDatabase(urls.READ_DATABASE_URL, config.readPartitions);
          log.info({ url: urls.WRITE_DATABASE_URL }, 'postgres ready');
        })(),
        kafka.start(jvm),
      ]);
      await connect.start(jvm, connectEnv);
      const connector = loadConnectorDefinition();
      const made = await withKafkaAdmin(urls.KAFKA_BROKERS, (admin) => ensureCdcTopics(admin, connector));
      if (made.length > 0) log.info({ topics: made }, 'cdc topics created');
      await registry.register(connector);
      log.info({ connector: connector.name, ms: Date.now() - started }, 'stack up');
      return urls;
    },

    /** Stops the processes; data stays for the next `up`. */
    async down(): Promise<void> {
      await apps.stop();
      // Connect first, so the connector does not log errors while the broker goes away.
      if (await connect.stop()) log.info('connect stopped');
      if (await kafka.stop()) log.info('kafka stopped');
      if (postgres.stop()) log.info('postgres stopped');
    },

    /** Stops everything and wipes data, logs and configuration; keeps the fetched JVM artifacts. */
    async reset(): Promise<void> {
      await this.down();
      for (const entry of fs.existsSync(config.stateDir) ? fs.readdirSync(config.stateDir) : []) {
        if (entry !== path.basename(config.jvmCacheDir)) fs.rmSync(path.join(config.stateDir, entry), { recursive: true, force: true });
      }
      log.info({ stateDir: config.stateDir }, 'stack reset');
    },

    status(): ComponentStatus[] {
      const pgPid = postgres.isRunning() ? readPostmasterPid(config.postgres.dataDir) : undefined;
      const kafkaPid = runningPid(kafka.daemon);
      const connectPid = runningPid(connect.daemon);
      const projectorPid = runningPid(apps.projector);
      const servicesPid = runningPid(apps.services);
      return [
        { name: 'postgres', running: pgPid !== undefined, ...(pgPid === undefined ? {} : { pid: pgPid }), listens: `${config.postgres.host}:${config.postgres.port}`, log: path.join(config.logDir, 'postgres.log') },
        { name: 'kafka', running: kafkaPid !== undefined, ...(kafkaPid === undefined ? {} : { pid: kafkaPid }), listens: urls.KAFKA_BROKERS, log: kafka.daemon.logFile },
        { name: 'connect', running: connectPid !== undefined, ...(connectPid === undefined ? {} : { pid: connectPid }), listens: urls.CONNECT_URL, log: connect.daemon.logFile },
        { name: 'projector', running: projectorPid !== undefined, ...(projectorPid === undefined ? {} : { pid: projectorPid }), listens: apps.metricsUrl, log: apps.projector.logFile },
        { name: 'services', running: servicesPid !== undefined, ...(servicesPid === undefined ? {} : { pid: servicesPid }), listens: apps.apiUrl, log: apps.services.logFile },
      ];
    },

    logFiles(): Record<string, string> {
      return {
        postgres: path.join(config.logDir, 'postgres.log'),
        kafka: kafka.daemon.logFile,
        connect: connect.daemon.logFile,
        projector: apps.projector.logFile,
        services: apps.services.logFile,
      };
    },
  };
}

async function withKafkaAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'stack', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    return first === undefined ? undefined : Number(first);
  } catch {
    return undefined;
  }
}

export type LocalStack = ReturnType<typeof localStack>;
