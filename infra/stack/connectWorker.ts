import fs from 'node:fs';
import path from 'node:path';
import { PIPELINE_ROLES } from '../db/pipelineRoles';
import { loadStackSecrets } from './stackSecrets';
import type { Logger } from 'pino';
import type { StackConfig } from './config';
import { writeLog4jConsoleConfig, writeProperties as writePropertiesFile } from './jvmConfigFiles';
import { createDaemon, logTail, portInUse, runningPid, startDaemon, stopDaemon } from './daemon';
import type { JvmArtifacts } from './jvmArtifacts';
import { GiveUp, waitFor } from './waitFor';

/**
 * One Kafka Connect worker in distributed mode with the Debezium PostgreSQL connector on its
 * plugin.path. Connector configs refer to the write database through ${env:...} placeholders
 * (EnvVarConfigProvider), so the same JSON works here and in containers.
 */
export function createConnectWorker(config: StackConfig, log: Logger) {
  const c = config.connect;
  const confDir = path.join(config.stateDir, 'connect');
  const propertiesFile = path.join(confDir, 'worker.properties');
  const log4jFile = path.join(confDir, 'log4j.properties');
  const proc = createDaemon('connect', config.runDir, config.logDir, propertiesFile);
  const url = `http://${c.host}:${c.port}`;

  function writeProperties(jvm: JvmArtifacts): void {
    fs.mkdirSync(confDir, { recursive: true });
    const properties = [
      `bootstrap.servers=${config.kafka.host}:${config.kafka.port}`,
      `group.id=${c.groupId}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable=false',
      'value.converter.schemas.enable=false',
      `offset.storage.topic=${c.groupId}-offsets`,
      `config.storage.topic=${c.groupId}-configs`,
      `status.storage.topic=${c.groupId}-status`,
      'offset.storage.replication.factor=1',
      'offset.storage.partitions=1',
      'config.storage.replication.factor=1',
      'status.storage.replication.factor=1',
      'status.storage.partitions=1',
      // Source offsets (the confirmed LSN) are flushed often, so a restart re-reads little.
      'offset.flush.interval.ms=1000',
      // One worker: no reason to wait for a departed member before reassigning its tasks.
      'scheduled.rebalance.max.delay.ms=0',
      `listeners=http://${c.host}:${c.port}`,
      `rest.advertised.host.name=${c.host}`,
      `rest.advertised.port=${c.port}`,
      `plugin.path=${jvm.pluginPath}`,
      'topic.creation.enable=true',
      'config.providers=env',
      'config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    ];
    writePropertiesFile(propertiesFile, properties);
    writeLog4jConsoleConfig(log4jFile, '[%d] %p %X{connector.context}%m (%c)%n', {
      'org.reflections': 'ERROR',
      'org.apache.kafka.clients': 'WARN',
      'org.eclipse.jetty': 'WARN',
      'org.apache.kafka.connect.runtime.rest': 'WARN',
    });
  }

  /**
   * What the worker's EnvVarConfigProvider resolves the connector's ${env:CDC_DATABASE_*} from. The
   * password is not among them: the PostgreSQL driver reads it from a password file, so it is in
   * no connector configuration, and so in no Debezium message that prints one.
   */
  const connectorEnv = () => ({
    CDC_DATABASE_HOST: config.postgres.host,
    CDC_DATABASE_PORT: String(config.postgres.port),
    CDC_DATABASE_USER: PIPELINE_ROLES.cdc.name,
    CDC_DATABASE_NAME: config.postgres.writeDatabase,
    PGPASSFILE: writeCdcPasswordFile(),
    // The Avro format's converter (connectors/avro-format.json) talks to the registry's own API.
    CDC_REGISTRY_URL: `http://${config.schemaRegistry.host}:${config.schemaRegistry.port}/apis/registry/v2`,
  });

  const cdcPasswordFile = path.join(config.stateDir, 'connect', 'pgpass');
  /** The CDC role's line of a PostgreSQL password file (any database: test connectors use their own), mode 0600. */
  function writeCdcPasswordFile(): string {
    const file = cdcPasswordFile;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const escape = (field: string) => field.replace(/[\\:]/g, (c) => `\\${c}`);
    const { host, port } = config.postgres;
    fs.writeFileSync(
      file,
      `${escape(host)}:${port}:*:${PIPELINE_ROLES.cdc.name}:${escape(loadStackSecrets(config.stateDir).roles.cdc)}\n`,
      {
        mode: 0o600,
      },
    );
    fs.chmodSync(file, 0o600);
    return file;
  }

  async function restGet(pathname: string): Promise<Response> {
    return fetch(`${url}${pathname}`, { signal: AbortSignal.timeout(5000) });
  }

  return {
    daemon: proc,
    url,
    isRunning: () => runningPid(proc) !== undefined,

    async start(jvm: JvmArtifacts): Promise<'started' | 'reused'> {
      let outcome: 'started' | 'reused' = 'reused';
      // A worker started by an earlier release has no password file to read: the connector as
      // registered now would fail to log in, so it starts again with one.
      if (runningPid(proc) !== undefined && !fs.existsSync(cdcPasswordFile)) {
        log.warn({ file: cdcPasswordFile }, 'connect restarts to read the CDC password from its file');
        await stopDaemon(proc, 30_000);
      }
      if (runningPid(proc) === undefined) {
        if (await portInUse(c.host, c.port)) {
          throw new Error(`port ${c.port} is taken by a process that is not this stack's Connect worker; set STACK_CONNECT_PORT`);
        }
        writeProperties(jvm);
        startDaemon(proc, {
          command: 'java',
          args: [
            `-Xmx${c.heap}`,
            '-Xms256m',
            '-XX:+UseG1GC',
            '-XX:MaxGCPauseMillis=20',
            '-Djava.awt.headless=true',
            `-javaagent:${jvm.metricsAgent}=${c.host}:${c.metricsPort}:${path.join(config.rootDir, 'infra', 'prometheus', 'jmx-connect.yaml')}`,
            `-Dlog4j.configuration=file:${log4jFile}`,
            '-cp',
            jvm.classpath,
            'org.apache.kafka.connect.cli.ConnectDistributed',
            propertiesFile,
          ],
          env: { ...config.inheritedEnv, ...connectorEnv() },
        });
        outcome = 'started';
      }
      await waitFor(
        async () => {
          if (runningPid(proc) === undefined) throw new GiveUp(`connect exited; last log lines:\n${logTail(proc.logFile)}`);
          const plugins = await restGet('/connector-plugins');
          if (!plugins.ok) return undefined;
          const list = (await plugins.json()) as Array<{ class: string }>;
          if (!list.some((p) => p.class === 'io.debezium.connector.postgresql.PostgresConnector')) {
            throw new GiveUp(`connect runs but the Debezium PostgreSQL plugin is not on plugin.path ${jvm.pluginPath}`);
          }
          // The worker answers REST before it has joined its group; /connectors needs the group.
          const connectors = await restGet('/connectors');
          return connectors.ok ? true : undefined;
        },
        { what: `Kafka Connect on ${url}`, timeoutMs: 120_000, intervalMs: 500 },
      );
      log.info({ url, outcome }, 'connect ready');
      return outcome;
    },

    /** Whether the REST API answers and the worker has joined its group. */
    async answers(): Promise<boolean> {
      return restGet('/connectors').then(
        (r) => r.ok,
        () => false,
      );
    },

    stop: (graceMs = 60_000) => stopDaemon(proc, graceMs),
  };
}

export type ConnectWorker = ReturnType<typeof createConnectWorker>;
