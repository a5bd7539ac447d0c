import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { migrateReadDatabase } from '../../projector/db/migrateReadDatabase';
import { migrateWriteDatabase } from '../../services/db/migrateWriteDatabase';
import { stackUrls, type StackConfig, type StackUrls } from './config';
import { createConnectorHealth } from './connectorHealth';
import { createConnectWorker } from './connectWorker';
import { createDaemon, runningPid, startDaemon, stopDaemon, type Daemon } from './daemon';
import { nodeEntryArgs } from './nodeEntry';
import type { PartHealth, PartName } from './partHealth';
import { ensureJvmArtifacts, type JvmArtifacts } from './jvmArtifacts';
import { createKafkaBroker } from './kafkaBroker';
import { createPipelineApps } from './pipelineApps';
import { createPostgresCluster } from './postgres';
import { checkPrerequisites } from './prerequisites';

/** The embedded local stack: PostgreSQL, Kafka (KRaft), Kafka Connect + Debezium, the CDC connector. */
export function createLocalStack({ config, logger }: { config: StackConfig; logger: Logger }) {
  const log = logger.child({ component: 'stack' });
  const postgres = createPostgresCluster(config, log.child({ part: 'postgres' }));
  const kafka = createKafkaBroker(config, log.child({ part: 'kafka' }));
  const connect = createConnectWorker(config, log.child({ part: 'connect' }));
  const urls = stackUrls(config);
  const registry = createConnectorRegistry({ connectUrl: urls.CONNECT_URL });
  const apps = createPipelineApps(config, log);
  const supervisor = createDaemon('supervisor', config.runDir, config.logDir, path.join(config.rootDir, SUPERVISOR_MAIN));
  const connectorDefinition = loadConnectorDefinition();
  const cdc = createConnectorHealth({
    definition: connectorDefinition,
    registry,
    kafkaBrokers: urls.KAFKA_BROKERS,
    writeClient: async () => {
      const client = new Client({ connectionString: urls.WRITE_DATABASE_URL, connectionTimeoutMillis: 5000 });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
  });
  let jvm: JvmArtifacts | undefined;
  const jvmArtifacts = () => (jvm ??= ensureJvmArtifacts(config, log));

  /** What the Connect worker's EnvVarConfigProvider resolves ${env:CDC_DATABASE_*} from. */
  const connectEnv = {
    CDC_DATABASE_HOST: config.postgres.host,
    CDC_DATABASE_PORT: String(config.postgres.port),
    CDC_DATABASE_USER: config.postgres.user,
    CDC_DATABASE_PASSWORD: config.postgres.password,
    CDC_DATABASE_NAME: config.postgres.writeDatabase,
  };

  /** Topics first (the projector subscribes to all of them), then the idempotent PUT. */
  async function registerConnector(): Promise<void> {
    const made = await withKafkaAdmin(urls.KAFKA_BROKERS, (admin) => ensureCdcTopics(admin, connectorDefinition));
    if (made.length > 0) log.info({ topics: made }, 'cdc topics created');
    await registry.register(connectorDefinition);
  }

  return {
    urls,
    registry,
    postgres,
    kafka,
    connect,
    apps,
    supervisor,

    /** The whole pipeline: the stack, then the projector and the services on it. */
    async start(): Promise<StackUrls> {
      await this.up();
      await apps.start(urls);
      if (runningPid(supervisor) === undefined) {
        startDaemon(supervisor, { command: process.execPath, args: nodeEntryArgs(config.rootDir, SUPERVISOR_MAIN), env: config.inheritedEnv, cwd: config.rootDir });
        log.info({ log: supervisor.logFile }, 'supervisor started');
      }
      return urls;
    },

    /** Starts whatever is not running yet and reuses the rest; safe to call again. */
    async up(): Promise<StackUrls> {
      const started = Date.now();
      checkPrerequisites(config);
      const jvm = jvmArtifacts();
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
      await registerConnector();
      log.info({ connector: connectorDefinition.name, ms: Date.now() - started }, 'stack up');
      return urls;
    },

    /** Stops the supervisor, the projector and the services; the stack keeps running. */
    async stopPipeline(): Promise<void> {
      // The supervisor first, or it would start again what is being stopped.
      if (await stopDaemon(supervisor, 30_000)) log.info('supervisor stopped');
      await apps.stop();
    },

    /** Stops every process; data stays for the next `up`. */
    async down(): Promise<void> {
      await this.stopPipeline();
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

    /** Every part as it really is: probed, not read from pid files alone. */
    async health(): Promise<PartHealth[]> {
      const listens = { postgres: `${config.postgres.host}:${config.postgres.port}`, kafka: urls.KAFKA_BROKERS, connect: urls.CONNECT_URL };
      const files = this.logFiles();
      const part = (name: PartName, found: Omit<PartHealth, 'name' | 'log' | 'listens'>, where = ''): PartHealth => ({ name, log: files[name] ?? '', listens: where, ...found });

      const pgPid = postgres.isRunning() ? readPostmasterPid(config.postgres.dataDir) : undefined;
      const pgAnswer = pgPid === undefined ? 'server not running' : await postgres.answers();
      const pgHealth = pgAnswer === true
        ? part('postgres', { state: 'RUNNING', reason: 'answers queries', ...(pgPid === undefined ? {} : { pid: pgPid }) }, listens.postgres)
        : part('postgres', { state: 'DOWN', reason: pgAnswer, ...(pgPid === undefined ? {} : { pid: pgPid }) }, listens.postgres);
      const kafkaPid = runningPid(kafka.daemon);
      const kafkaHealth = kafkaPid === undefined
        ? part('kafka', { state: 'DOWN', reason: 'broker process not running' }, listens.kafka)
        : (await kafka.isReady().catch(() => false))
          ? part('kafka', { state: 'RUNNING', reason: 'broker and controller answer', pid: kafkaPid, startedAt: fs.statSync(kafka.daemon.pidFile).mtimeMs }, listens.kafka)
          : part('kafka', { state: 'DOWN', reason: 'process runs but the broker does not answer metadata requests', pid: kafkaPid }, listens.kafka);
      const connectPid = runningPid(connect.daemon);
      const connectHealth = connectPid === undefined
        ? part('connect', { state: 'DOWN', reason: 'worker process not running' }, listens.connect)
        : (await connect.answers())
          ? part('connect', { state: 'RUNNING', reason: 'REST API and worker group answer', pid: connectPid }, listens.connect)
          : part('connect', { state: 'DOWN', reason: 'process runs but its REST API does not answer', pid: connectPid }, listens.connect);
      const connector = [pgHealth, kafkaHealth, connectHealth].every((p) => p.state === 'RUNNING')
        ? await cdc.probe().catch((error: unknown) => ({ state: 'DOWN', reason: `probe failed: ${(error as Error).message}`, notRegistered: false }) as const)
        : ({ state: 'DOWN', reason: 'needs postgres, kafka and connect', notRegistered: false } as const);
      const connectorHealthPart = part('connector', { state: connector.state === 'FAILED' ? 'STALLED' : connector.state, reason: connector.reason, connector }, `${connectorDefinition.name} → slot ${cdc.slotName}`);

      return [
        pgHealth,
        kafkaHealth,
        connectHealth,
        connectorHealthPart,
        await appHealth('projector', apps.projector, apps.metricsUrl.replace(/\/metrics$/, '/healthz'), apps.metricsUrl),
        await appHealth('services', apps.services, `${apps.apiUrl}/health`, apps.apiUrl),
        daemonHealth('supervisor', supervisor),
      ];
    },

    /** Starts one part that is down (the watchdog's remedy for a dead process). */
    async startPart(name: PartName): Promise<void> {
      switch (name) {
        case 'postgres':
          await postgres.start();
          return;
        case 'kafka':
          await kafka.start(jvmArtifacts());
          return;
        case 'connect':
          await connect.start(jvmArtifacts(), connectEnv);
          return;
        case 'connector':
          await registerConnector();
          return;
        case 'projector':
        case 'services':
          await apps.startOne(name, urls);
          return;
        case 'supervisor':
          throw new Error('the supervisor is started by `npm start`');
        default: {
          const never: never = name;
          throw new Error(`unknown part ${String(never)}`);
        }
      }
    },

    /** Ends the walsender that holds the connector's slot (only a connection of the connector's own role). */
    async terminateSlotHolder(pid: number): Promise<boolean> {
      const client = await postgres.superClient(config.postgres.writeDatabase);
      try {
        const { rows } = await client.query<{ ended: boolean }>(
          `select pg_terminate_backend(a.pid) as ended from pg_stat_activity a join pg_replication_slots s on s.active_pid = a.pid
            where a.pid = $1 and s.slot_name = $2 and a.usename = $3 and a.backend_type = 'walsender'`,
          [pid, cdc.slotName, config.postgres.user],
        );
        return rows[0]?.ended === true;
      } finally {
        await client.end();
      }
    },

    /** Restarts the connector and all its tasks through the REST API. */
    restartConnectorTasks: () => registry.restart(connectorDefinition.name),

    /**
     * Stops the Connect worker and starts it again. A worker this is done to is wedged, and its
     * graceful stop can hang on the stuck task: SIGKILL follows after 5 s. That is safe: source
     * offsets are in Kafka, and the slot keeps the WAL not yet confirmed.
     */
    async restartConnect(): Promise<void> {
      await connect.stop(5_000);
      await connect.start(jvmArtifacts(), connectEnv);
    },

    logFiles(): Record<string, string> {
      return {
        postgres: path.join(config.logDir, 'postgres.log'),
        kafka: kafka.daemon.logFile,
        connect: connect.daemon.logFile,
        projector: apps.projector.logFile,
        services: apps.services.logFile,
        supervisor: supervisor.logFile,
      };
    },
  };
}

const SUPERVISOR_MAIN = path.join('infra', 'stack', 'supervisor.ts');

/**
 * A daemon that is not a stack part: STOPPED without a pid file (never started, or stopped by
 * `down`), DOWN when its pid file is left but the process is gone (it died).
 */
function daemonHealth(name: PartName, d: Daemon): PartHealth {
  const pid = runningPid(d);
  if (pid !== undefined) return { name, state: 'RUNNING', reason: 'process runs', pid, listens: '', log: d.logFile };
  const died = fs.existsSync(d.pidFile);
  return { name, state: died ? 'DOWN' : 'STOPPED', reason: died ? 'process died' : 'not started', listens: '', log: d.logFile };
}

async function appHealth(name: PartName, d: Daemon, healthUrl: string, listens: string): Promise<PartHealth> {
  const base = daemonHealth(name, d);
  if (base.state !== 'RUNNING') return { ...base, listens };
  const answer = await fetch(healthUrl, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, (error: unknown) => (error as Error).message);
  return answer === 200
    ? { ...base, listens, reason: `${healthUrl} answers` }
    : { ...base, listens, state: 'STALLED', reason: `process runs but ${healthUrl} answers ${answer}` };
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

export type LocalStack = ReturnType<typeof createLocalStack>;
