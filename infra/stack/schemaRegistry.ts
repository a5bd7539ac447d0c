import type { Client } from 'pg';
import type { Logger } from 'pino';
import { ensureRegistryDatabase, REGISTRY_ROLE } from '../db/registryDatabase';
import type { StackConfig } from './config';
import { createDaemon, logTail, portInUse, runningPid, startDaemon, stopDaemon } from './daemon';
import type { JvmArtifacts } from './jvmArtifacts';
import { loadStackSecrets } from './stackSecrets';
import { GiveUp, waitFor } from './waitFor';

/**
 * Apicurio Registry in the local stack: the schema registry of the Avro format, answering the
 * Confluent-compatible API (/apis/ccompat/v7) that Connect's converter and the projector use. Its
 * schemas are kept in a database of its own on the stack's PostgreSQL (role im_registry), so
 * schema ids outlive a restart, as the records in Kafka that carry them do.
 */
export function createSchemaRegistry(config: StackConfig, log: Logger) {
  const r = config.schemaRegistry;
  const pg = config.postgres;
  const daemon = createDaemon('schema-registry', config.runDir, config.logDir, `quarkus.http.port=${r.port}`);
  const baseUrl = `http://${r.host}:${r.port}`;
  const apiUrl = `${baseUrl}/apis/ccompat/v7`;

  /** Whether it answers, and its database with it (its readiness check covers the connection). */
  async function answers(): Promise<true | string> {
    try {
      const ready = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (!ready.ok) return `${baseUrl}/health/ready answers ${ready.status}`;
      const subjects = await fetch(`${apiUrl}/subjects`, { signal: AbortSignal.timeout(5000) });
      return subjects.ok ? true : `${apiUrl}/subjects answers ${subjects.status}`;
    } catch (error) {
      return `${baseUrl} does not answer: ${(error as Error).message}`;
    }
  }

  /** Its role and database, made or given the stack's password again (a superuser's client). */
  function ensureDatabase(admin: Client): Promise<void> {
    return ensureRegistryDatabase(admin, loadStackSecrets(config.stateDir).registry, r.database);
  }

  return {
    daemon,
    apiUrl,
    answers,
    ensureDatabase,

    async start(jvm: JvmArtifacts): Promise<void> {
      if (runningPid(daemon) === undefined) {
        if (await portInUse(r.host, r.port)) {
          throw new Error(`port ${r.port} is taken by a process that is not this stack's schema registry; set STACK_REGISTRY_PORT`);
        }
        startDaemon(daemon, {
          command: 'java',
          args: [
            `-Xmx${r.heap}`,
            '-XX:+UseG1GC',
            `-Dquarkus.http.host=${r.host}`,
            `-Dquarkus.http.port=${r.port}`,
            // Its management interface (off in this version) would open 0.0.0.0:9000 when on.
            `-Dquarkus.management.host=${r.host}`,
            '-Dapicurio.storage.kind=sql',
            '-Dapicurio.storage.sql.kind=postgresql',
            `-Dapicurio.datasource.url=jdbc:postgresql://${pg.host}:${pg.port}/${r.database}`,
            `-Dapicurio.datasource.username=${REGISTRY_ROLE}`,
            '-Dapicurio.datasource.jdbc.initial-size=2',
            '-Dapicurio.datasource.jdbc.min-size=2',
            '-Dapicurio.datasource.jdbc.max-size=10',
            '-jar',
            jvm.registryJar,
          ],
          // The password by environment (Quarkus reads it there), not on the command line `ps` shows.
          env: { ...config.inheritedEnv, APICURIO_DATASOURCE_PASSWORD: loadStackSecrets(config.stateDir).registry },
          cwd: config.stateDir,
        });
      }
      await waitFor(
        async () => {
          if (runningPid(daemon) === undefined) throw new GiveUp(`schema registry exited:\n${logTail(daemon.logFile)}`);
          return (await answers()) === true ? true : undefined;
        },
        { what: `schema registry on ${baseUrl}`, timeoutMs: 120_000, intervalMs: 500 },
      );
      log.info({ url: apiUrl }, 'schema registry ready');
    },

    stop: (): Promise<boolean> => stopDaemon(daemon, 20_000),
  };
}

export type SchemaRegistry = ReturnType<typeof createSchemaRegistry>;
