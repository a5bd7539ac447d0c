import path from 'node:path';
import type { Logger } from 'pino';
import type { StackConfig, StackUrls } from './config';
import { createDaemon, logTail, portInUse, runningPid, startDaemon, stopDaemon } from './daemon';
import { compileApps, compiledEntry } from './compiledApps';
import { loadStackSecrets } from './stackSecrets';
import { GiveUp, waitFor } from './waitFor';

/**
 * The project's own processes on top of the stack: the projector and the services (write and
 * query API), started in the background like the stack's parts, with pid files and logs. They run
 * compiled, from the entry points the production image runs (compiledApps.ts), compiled afresh
 * whenever one of them is started.
 */
export function createPipelineApps(config: StackConfig, logger: Logger) {
  const log = logger.child({ part: 'apps' });
  const projectorMain = compiledEntry(config.rootDir, path.join('projector', 'main.ts'));
  const servicesMain = compiledEntry(config.rootDir, path.join('services', 'main.ts'));
  const projector = createDaemon('projector', config.runDir, config.logDir, projectorMain);
  const services = createDaemon('services', config.runDir, config.logDir, servicesMain);
  const apiUrl = `http://127.0.0.1:${config.apps.apiPort}`;
  const metricsUrl = `http://127.0.0.1:${config.apps.metricsPort}/metrics`;

  /** The stack's signing key, made once (stackSecrets.ts), so tokens stay valid across restarts of the services. */
  const jwtSecret = (): string => loadStackSecrets(config.stateDir).jwtSecret;

  function compile(): void {
    const started = Date.now();
    compileApps(config.rootDir);
    log.info({ ms: Date.now() - started }, 'apps compiled');
  }

  async function ensure(
    d: typeof projector,
    main: string,
    port: number,
    env: Readonly<Record<string, string>>,
    readyUrl: string,
    compile: () => void,
  ): Promise<void> {
    if (runningPid(d) === undefined) {
      if (await portInUse('127.0.0.1', port)) throw new Error(`port ${port} is taken by a process that is not this pipeline's ${d.name}`);
      compile();
      startDaemon(d, {
        command: process.execPath,
        args: [main],
        env: { ...config.inheritedEnv, ...env },
        cwd: config.rootDir,
      });
    }
    await waitFor(
      async () => {
        if (runningPid(d) === undefined) throw new GiveUp(`${d.name} exited; last log lines:\n${logTail(d.logFile)}`);
        const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
        return response.ok ? true : undefined;
      },
      { what: `${d.name} at ${readyUrl}`, timeoutMs: 120_000, intervalMs: 300 },
    );
    log.info({ app: d.name, pid: runningPid(d) }, 'app ready');
  }

  return {
    projector,
    services,
    apiUrl,
    metricsUrl,
    jwtSecret,

    async start(urls: StackUrls): Promise<void> {
      // Compiled once for both, if either needs starting.
      let compiled = false;
      const compileOnce = () => {
        if (!compiled) compile();
        compiled = true;
      };
      await this.startOne('projector', urls, compileOnce);
      await this.startOne('services', urls, compileOnce);
    },

    /** Starts one app unless it runs (compiling the apps first), and waits until it answers its health URL. */
    async startOne(name: 'projector' | 'services', urls: StackUrls, compileFirst: () => void = compile): Promise<void> {
      // Each app is given the URL of its own role and nothing of the others' (infra/db/pipelineRoles.ts).
      const common = { KAFKA_BROKERS: urls.KAFKA_BROKERS, LOG_LEVEL: config.logLevel };
      if (name === 'projector') {
        await ensure(
          projector,
          projectorMain,
          config.apps.metricsPort,
          {
            ...common,
            PROJECTOR_DATABASE_URL: urls.PROJECTOR_DATABASE_URL,
            METRICS_PORT: String(config.apps.metricsPort),
            CDC_FORMAT: config.cdcFormat,
            // In JSON too: a topic keeps the Avro records of a time the stack ran in Avro.
            SCHEMA_REGISTRY_URL: urls.SCHEMA_REGISTRY_URL,
          },
          `http://127.0.0.1:${config.apps.metricsPort}/healthz`,
          compileFirst,
        );
        return;
      }
      await ensure(
        services,
        servicesMain,
        config.apps.apiPort,
        {
          LOG_LEVEL: config.logLevel,
          WRITER_DATABASE_URL: urls.WRITER_DATABASE_URL,
          READER_DATABASE_URL: urls.READER_DATABASE_URL,
          HTTP_PORT: String(config.apps.apiPort),
          HTTP_HOST: '127.0.0.1',
          JWT_SECRET: jwtSecret(),
          ID_WORKER_ID: '1',
          // Every local client (the workload, chaos, a browser) comes from 127.0.0.1: limits per
          // address sized for that, unless this shell sets them.
          RATE_LIMIT_SIGNUPS_PER_MINUTE: config.inheritedEnv.RATE_LIMIT_SIGNUPS_PER_MINUTE ?? '100000',
          RATE_LIMIT_ADDRESS_COMMANDS_PER_MINUTE: config.inheritedEnv.RATE_LIMIT_ADDRESS_COMMANDS_PER_MINUTE ?? '1000000',
        },
        `${apiUrl}/health`,
        compileFirst,
      );
    },

    async stop(): Promise<void> {
      if (await stopDaemon(services, 30_000)) log.info('services stopped');
      if (await stopDaemon(projector, 30_000)) log.info('projector stopped');
    },
  };
}

export type PipelineApps = ReturnType<typeof createPipelineApps>;
