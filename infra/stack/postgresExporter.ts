import path from 'node:path';
import type { Logger } from 'pino';
import { stackUrls, type StackConfig } from './config';
import { createDaemon, logTail, runningPid, startDaemon, stopDaemon } from './daemon';
import { GiveUp, waitFor } from './waitFor';

/**
 * Debian's prometheus-postgres-exporter on the stack's cluster: PostgreSQL's own metrics and the
 * replication slot's (retained WAL, wal_status, lost), from infra/prometheus/postgres-exporter-queries.yaml.
 */
export function createPostgresExporter(config: StackConfig, log: Logger) {
  const e = config.postgresExporter;
  const queries = path.join(config.rootDir, 'infra', 'prometheus', 'postgres-exporter-queries.yaml');
  const daemon = createDaemon('postgres-exporter', config.runDir, config.logDir, `--web.listen-address=${e.host}:${e.port}`);
  const metricsUrl = `http://${e.host}:${e.port}/metrics`;

  /** Whether it answers and reaches the database (`pg_up 1`). */
  async function answers(): Promise<true | string> {
    try {
      const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return `${metricsUrl} answers ${response.status}`;
      return /^pg_up 1$/m.test(await response.text()) ? true : `${metricsUrl} answers, but pg_up is not 1 (it cannot reach PostgreSQL)`;
    } catch (error) {
      return `${metricsUrl} does not answer: ${(error as Error).message}`;
    }
  }

  return {
    daemon,
    metricsUrl,
    answers,

    async start(): Promise<void> {
      if (runningPid(daemon) !== undefined) return;
      startDaemon(daemon, {
        command: e.binary,
        args: [`--web.listen-address=${e.host}:${e.port}`, `--extend.query-path=${queries}`, '--log.level=warn'],
        env: {
          ...config.inheritedEnv,
          DATA_SOURCE_NAME: `${stackUrls(config).MONITOR_DATABASE_URL}?sslmode=disable`,
        },
      });
      await waitFor(
        async () => {
          if (runningPid(daemon) === undefined) throw new GiveUp(`postgres-exporter exited:\n${logTail(daemon.logFile)}`);
          return (await answers()) === true ? true : undefined;
        },
        { what: 'postgres-exporter answering', timeoutMs: 30_000 },
      );
      log.info({ url: metricsUrl }, 'postgres-exporter ready');
    },

    stop: (): Promise<boolean> => stopDaemon(daemon, 10_000),
  };
}

export type PostgresExporter = ReturnType<typeof createPostgresExporter>;
