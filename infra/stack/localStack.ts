import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { PIPELINE_ROLES } from '../db/pipelineRoles';
import { migrateReadSide, migrateWriteSide } from '../jobs/pipelineMigrations';
import { stackUrls, type StackConfig, type StackUrls } from './config';
import { createCdcConnector } from './cdcConnector';
import { createConnectWorker } from './connectWorker';
import { createDaemon, runningPid, startDaemon, stopDaemon } from './daemon';
import { nodeEntryArgs } from './nodeEntry';
import type { PartHealth, PartName } from './partHealth';
import { recoverCdc, type RecoverCdcDeps } from './recoverCdc';
import { probeStackHealth } from './stackHealth';
import { ensureJvmArtifacts, type JvmArtifacts } from './jvmArtifacts';
import { createKafkaBroker } from './kafkaBroker';
import { createPipelineApps } from './pipelineApps';
import { recordStackCdcFormat, stackCdcFormat } from './stackFormat';
import { createRecordValueReader } from '../../connectors/recordValues';
import { createPostgresCluster } from './postgres';
import { createPostgresExporter } from './postgresExporter';
import { createPrometheusServer } from './prometheusServer';
import { createSchemaRegistry } from './schemaRegistry';
import { checkPrerequisites } from './prerequisites';

/** The embedded local stack: PostgreSQL, Kafka (KRaft), Kafka Connect + Debezium, the CDC connector. */
export function createLocalStack({ config, logger }: { config: StackConfig; logger: Logger }) {
  const log = logger.child({ component: 'stack' });
  const postgres = createPostgresCluster(config, log.child({ part: 'postgres' }));
  const kafka = createKafkaBroker(config, log.child({ part: 'kafka' }));
  const connect = createConnectWorker(config, log.child({ part: 'connect' }));
  const postgresExporter = createPostgresExporter(config, log.child({ part: 'postgres-exporter' }));
  const prometheus = createPrometheusServer(config, log.child({ part: 'prometheus' }));
  const schemaRegistry = createSchemaRegistry(config, log.child({ part: 'schema-registry' }));
  const urls = stackUrls(config);
  const apps = createPipelineApps(config, log);
  const supervisor = createDaemon('supervisor', config.runDir, config.logDir, path.join(config.rootDir, SUPERVISOR_MAIN));
  const {
    definition: connectorDefinition,
    registry,
    health: cdc,
    register: registerConnector,
    writeClient,
  } = createCdcConnector(urls, config.stateDir, log, config.cdcFormat);
  /** The format the stack was in before this process (up switches it when CDC_FORMAT asks). */
  const formatBefore = (() => {
    try {
      return stackCdcFormat(config.stateDir, undefined);
    } catch {
      return undefined; // unreadable: up records the format it brings the stack up in
    }
  })();
  let jvm: JvmArtifacts | undefined;
  const jvmArtifacts = () => (jvm ??= ensureJvmArtifacts(config, log));

  /** Its database first (made by the superuser), then the registry on it. */
  async function startSchemaRegistry(artifacts: JvmArtifacts): Promise<void> {
    const admin = await postgres.superClient();
    try {
      await schemaRegistry.ensureDatabase(admin);
    } finally {
      await admin.end();
    }
    await schemaRegistry.start(artifacts);
  }

  function startSupervisor(): void {
    startDaemon(supervisor, {
      command: process.execPath,
      args: nodeEntryArgs(config.rootDir, SUPERVISOR_MAIN),
      env: config.inheritedEnv,
      cwd: config.rootDir,
    });
    log.info({ log: supervisor.logFile }, 'supervisor started');
  }

  function logFiles(): Record<string, string> {
    return {
      postgres: path.join(config.logDir, 'postgres.log'),
      'postgres-exporter': postgresExporter.daemon.logFile,
      'schema-registry': schemaRegistry.daemon.logFile,
      prometheus: prometheus.daemon.logFile,
      kafka: kafka.daemon.logFile,
      connect: connect.daemon.logFile,
      projector: apps.projector.logFile,
      services: apps.services.logFile,
      supervisor: supervisor.logFile,
    };
  }

  return {
    urls,
    /** The format the connector writes in (stackFormat.ts). */
    cdcFormat: config.cdcFormat,
    registry,
    connectorDefinition,
    /** A client on the write database for one read, closed by the caller. */
    writeClient,
    postgres,
    kafka,
    connect,
    postgresExporter,
    prometheus,
    schemaRegistry,
    apps,
    supervisor,

    /** The whole pipeline: the stack, then the projector and the services on it. */
    async start(): Promise<StackUrls> {
      await this.up({ restartSupervisor: false });
      await apps.start(urls);
      if (runningPid(supervisor) === undefined) startSupervisor();
      return urls;
    },

    /**
     * Starts whatever is not running yet and reuses the rest; safe to call again. Switching the
     * format stops a running supervisor first (it would heal the connector in the old format) and
     * starts it again after, unless the caller (start) does once the apps run.
     */
    async up({ restartSupervisor = true }: { restartSupervisor?: boolean } = {}): Promise<StackUrls> {
      const started = Date.now();
      const switching = formatBefore !== config.cdcFormat;
      const supervisorStopped = switching && (await stopDaemon(supervisor, 180_000));
      try {
        await this.bringUp(started);
      } finally {
        if (supervisorStopped && restartSupervisor) startSupervisor();
      }
      return urls;
    },

    /** What up does once the supervisor is out of the way. */
    async bringUp(started: number): Promise<void> {
      checkPrerequisites(config, log);
      const jvm = jvmArtifacts();
      await Promise.all([
        (async () => {
          await postgres.start({
            beforeLegacyRoleRetired: async () => {
              await this.stopPipeline();
              if (await connect.stop()) log.info('connect stopped');
              if (await postgresExporter.stop()) log.info('postgres-exporter stopped');
            },
          });
          await migrateWriteSide(urls.MIGRATOR_WRITE_DATABASE_URL);
          // The projector migrates im_read too when it starts; doing it here lets the query API
          // (or a test) run against an empty read side before any projector has.
          await migrateReadSide(urls.MIGRATOR_READ_DATABASE_URL, config.readPartitions);
          log.info({ host: config.postgres.host, port: config.postgres.port }, 'postgres ready');
          await postgresExporter.start();
          await startSchemaRegistry(jvm);
        })(),
        kafka.start(jvm),
        prometheus.start(),
      ]);
      await connect.start(jvm);
      await registerConnector();
      recordStackCdcFormat(config.stateDir, config.cdcFormat);
      if (formatBefore !== config.cdcFormat) log.info({ from: formatBefore, to: config.cdcFormat }, 'cdc format switched');
      log.info(
        { connector: connectorDefinition.name, stateDir: config.stateDir, why: config.stateDirWhy, ms: Date.now() - started },
        'stack up',
      );
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
      if (await postgresExporter.stop()) log.info('postgres-exporter stopped');
      if (await schemaRegistry.stop()) log.info('schema registry stopped');
      if (await prometheus.stop()) log.info('prometheus stopped');
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
    health: (): Promise<PartHealth[]> =>
      probeStackHealth({
        config,
        urls,
        postgres,
        kafka,
        connect,
        postgresExporter,
        schemaRegistry,
        prometheus,
        cdc,
        connectorName: connectorDefinition.name,
        apps,
        supervisor,
        logFiles: logFiles(),
      }),

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
          await connect.start(jvmArtifacts());
          return;
        case 'postgres-exporter':
          await postgresExporter.start();
          return;
        case 'schema-registry':
          await startSchemaRegistry(jvmArtifacts());
          return;
        case 'prometheus':
          await prometheus.start();
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
          [pid, cdc.slotName, PIPELINE_ROLES.cdc.name],
        );
        return rows[0]?.ended === true;
      } finally {
        await client.end();
      }
    },

    /** `recover-cdc`: a new slot and a snapshot of every table after the slot was lost (recoverCdc.ts). */
    recoverCdc(options: Pick<RecoverCdcDeps, 'projectorGroup' | 'log' | 'timeoutMs' | 'force'>): Promise<number> {
      return recoverCdc({
        ...options,
        definition: connectorDefinition,
        registry,
        stateDir: config.stateDir,
        kafkaBrokers: urls.KAFKA_BROKERS,
        readDatabaseUrl: urls.PROJECTOR_DATABASE_URL,
        writeClient,
        terminateSlotHolder: (pid) => this.terminateSlotHolder(pid),
        values: createRecordValueReader({ schemaRegistryUrl: urls.SCHEMA_REGISTRY_URL }),
      });
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
      await connect.start(jvmArtifacts());
    },

    logFiles,
  };
}

const SUPERVISOR_MAIN = path.join('infra', 'stack', 'supervisor.ts');

export type LocalStack = ReturnType<typeof createLocalStack>;
