import fs from 'node:fs';
import path from 'node:path';
import type { StackConfig, StackUrls } from './config';
import type { ConnectWorker } from './connectWorker';
import type { ConnectorHealthProbe } from './connectorHealth';
import { runningPid, type Daemon } from './daemon';
import type { KafkaBroker } from './kafkaBroker';
import type { PartHealth, PartName } from './partHealth';
import type { PipelineApps } from './pipelineApps';
import type { PostgresCluster } from './postgres';
import type { PostgresExporter } from './postgresExporter';
import type { PrometheusServer } from './prometheusServer';
import type { SchemaRegistry } from './schemaRegistry';

export interface StackParts {
  readonly config: StackConfig;
  readonly urls: StackUrls;
  readonly postgres: PostgresCluster;
  readonly kafka: KafkaBroker;
  readonly connect: ConnectWorker;
  readonly postgresExporter: PostgresExporter;
  readonly schemaRegistry: SchemaRegistry;
  readonly prometheus: PrometheusServer;
  readonly cdc: ConnectorHealthProbe;
  readonly connectorName: string;
  readonly apps: PipelineApps;
  readonly supervisor: Daemon;
  readonly logFiles: Readonly<Record<string, string>>;
}

/** Every part as it really is: probed, not read from pid files alone. */
export async function probeStackHealth({
  config,
  urls,
  postgres,
  kafka,
  connect,
  postgresExporter,
  schemaRegistry,
  prometheus,
  cdc,
  connectorName,
  apps,
  supervisor,
  logFiles,
}: StackParts): Promise<PartHealth[]> {
  const listens = { postgres: `${config.postgres.host}:${config.postgres.port}`, kafka: urls.KAFKA_BROKERS, connect: urls.CONNECT_URL };
  const part = (name: PartName, found: Omit<PartHealth, 'name' | 'log' | 'listens'>, where = ''): PartHealth => ({
    name,
    log: logFiles[name] ?? '',
    listens: where,
    ...found,
  });

  const pgPid = postgres.isRunning() ? readPostmasterPid(config.postgres.dataDir) : undefined;
  const pgAnswer = pgPid === undefined ? 'server not running' : await postgres.answers();
  const pgHealth =
    pgAnswer === true
      ? part('postgres', { state: 'RUNNING', reason: 'answers queries', ...(pgPid === undefined ? {} : { pid: pgPid }) }, listens.postgres)
      : part('postgres', { state: 'DOWN', reason: pgAnswer, ...(pgPid === undefined ? {} : { pid: pgPid }) }, listens.postgres);
  const kafkaPid = runningPid(kafka.daemon);
  const kafkaHealth =
    kafkaPid === undefined
      ? part('kafka', { state: 'DOWN', reason: 'broker process not running' }, listens.kafka)
      : (await kafka.isReady().catch(() => false))
        ? part(
            'kafka',
            {
              state: 'RUNNING',
              reason: 'broker and controller answer',
              pid: kafkaPid,
              startedAt: fs.statSync(kafka.daemon.pidFile).mtimeMs,
            },
            listens.kafka,
          )
        : part(
            'kafka',
            { state: 'DOWN', reason: 'process runs but the broker does not answer metadata requests', pid: kafkaPid },
            listens.kafka,
          );
  const connectPid = runningPid(connect.daemon);
  const connectHealth =
    connectPid === undefined
      ? part('connect', { state: 'DOWN', reason: 'worker process not running' }, listens.connect)
      : (await connect.answers())
        ? part('connect', { state: 'RUNNING', reason: 'REST API and worker group answer', pid: connectPid }, listens.connect)
        : part('connect', { state: 'DOWN', reason: 'process runs but its REST API does not answer', pid: connectPid }, listens.connect);
  const connector = [pgHealth, kafkaHealth, connectHealth].every((p) => p.state === 'RUNNING')
    ? await cdc
        .probe()
        .catch((error: unknown) => ({ state: 'DOWN', reason: `probe failed: ${(error as Error).message}`, notRegistered: false }) as const)
    : ({ state: 'DOWN', reason: 'needs postgres, kafka and connect', notRegistered: false } as const);
  const connectorHealthPart = part(
    'connector',
    { state: connector.state === 'FAILED' ? 'STALLED' : connector.state, reason: connector.reason, connector },
    `${connectorName} → slot ${cdc.slotName}`,
  );

  return [
    pgHealth,
    kafkaHealth,
    connectHealth,
    connectorHealthPart,
    await exporterHealth(postgresExporter, logFiles['postgres-exporter'] ?? ''),
    await registryHealth(schemaRegistry, logFiles['schema-registry'] ?? ''),
    await prometheusHealth(prometheus, logFiles.prometheus ?? ''),
    await appHealth('projector', apps.projector, apps.metricsUrl.replace(/\/metrics$/, '/healthz'), apps.metricsUrl),
    await appHealth('services', apps.services, `${apps.apiUrl}/health`, apps.apiUrl),
    daemonHealth('supervisor', supervisor),
  ];
}

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
  const answer = await fetch(healthUrl, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    (error: unknown) => (error as Error).message,
  );
  return answer === 200
    ? { ...base, listens, reason: `${healthUrl} answers` }
    : { ...base, listens, state: 'STALLED', reason: `process runs but ${healthUrl} answers ${answer}` };
}

async function exporterHealth(exporter: PostgresExporter, log: string): Promise<PartHealth> {
  const pid = runningPid(exporter.daemon);
  const base = { name: 'postgres-exporter' as const, listens: exporter.metricsUrl, log };
  if (pid === undefined) return { ...base, state: 'DOWN', reason: 'process not running' };
  const answer = await exporter.answers();
  return answer === true
    ? { ...base, state: 'RUNNING', reason: 'answers, pg_up 1', pid }
    : { ...base, state: 'STALLED', reason: answer, pid };
}

async function registryHealth(registry: SchemaRegistry, log: string): Promise<PartHealth> {
  const pid = runningPid(registry.daemon);
  const base = { name: 'schema-registry' as const, listens: registry.apiUrl, log };
  if (pid === undefined) return { ...base, state: 'DOWN', reason: 'process not running' };
  const answer = await registry.answers();
  return answer === true
    ? { ...base, state: 'RUNNING', reason: 'ready, its database reachable', pid }
    : { ...base, state: 'STALLED', reason: answer, pid };
}

async function prometheusHealth(prometheus: PrometheusServer, log: string): Promise<PartHealth> {
  const pid = runningPid(prometheus.daemon);
  const base = { name: 'prometheus' as const, listens: `${prometheus.url} (dashboard ${prometheus.dashboardUrl})`, log };
  if (pid === undefined) return { ...base, state: 'DOWN', reason: 'process not running' };
  const answer = await prometheus.answers();
  return answer === true ? { ...base, state: 'RUNNING', reason: 'ready', pid } : { ...base, state: 'STALLED', reason: answer, pid };
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    return first === undefined ? undefined : Number(first);
  } catch {
    return undefined;
  }
}
