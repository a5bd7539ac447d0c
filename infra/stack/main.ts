import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import pretty from 'pino-pretty';
import { createRecordValueReader } from '../../connectors/recordValues';
import { loadProjectorConfig, sourceTopics } from '../../projector/config';
import { createReadPool } from '../../projector/db/readPool';
import { showChain } from '../../projector/operations/chainCommand';
import { createOpsAdmin } from '../../projector/operations/opsAdmin';
import { loadStackConfig, type StackConfig, type StackUrls } from './config';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalStack, type LocalStack } from './localStack';
import { CORE_PARTS, formatHealth } from './partHealth';
import { chooseTables, runResnapshot } from './resnapshot';
import { createWatchdog } from './watchdog';

const USAGE = `usage: npm run stack -- <command>

  up       start PostgreSQL, Kafka, Connect and register the CDC connector (reuses what runs)
  down     stop every process (services, projector, stack); data is kept
  status [--json] [--watch]
           each part RUNNING, STALLED, DOWN or STOPPED, with the reason, then the pipeline as a chain
           (WAL -> slot -> Connect -> Kafka -> projector checkpoints -> view builder, each link with its
           lag and a verdict); exit 0 only when the stack's own parts and the connector work.
           --json: one JSON object (a line per redraw with --watch); --watch: redraw every second
  heal     one watchdog round after another until every part works (or 3 minutes pass); prints
           each action with its reason
  logs     [postgres|kafka|connect] [lines]   the end of a component's log (all three by default)
  reset    stop and wipe data and logs (keeps the downloaded jars)
  env      print the running stack's settings as shell exports: eval "$(npm run -s stack -- env)"
  resnapshot [--tables users,friendships] [--timeout seconds]
           re-read tables (every one that can be, by default) from the database through the connector
           while it keeps streaming (a Debezium incremental snapshot); prints progress until it
           completes. channel_members, messages and channel_read_records are refused: their topics
           are keyed by channel or user, and Debezium would emit one row per key
  recover-cdc [--group G] [--timeout seconds] [--force]
           the way back from a lost replication slot: stops the connector, drops the slot, forgets
           its offsets and starts it again with a snapshot of every table; once the projector (group
           G, default im-projector) has applied the snapshot, retires the friendships deleted while
           the slot was lost. Only when the slot is lost or missing, unless --force. A run that was
           stopped is finished by running it again
  start    up, then the projector, the services and the supervisor (which heals the stack while
           it runs); prints where each part listens`;

async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const switchFormat = command === 'up' || command === 'start';
  const config = loadStackConfig(process.env, { switchFormat });
  // Human-readable logs on stderr: stdout stays clean for `env`.
  const logger = pino({ level: config.logLevel }, pretty({ destination: 2, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  const stack = createLocalStack({ config, logger });

  switch (command) {
    case 'up':
      await stack.up();
      return 0;
    case 'start': {
      const urls = await stack.start();
      printListening(
        urls,
        { ...stack.apps, prometheusUrl: stack.prometheus.url, dashboardUrl: stack.prometheus.dashboardUrl },
        Object.entries(stack.logFiles()).map(([name, log]) => ({ name, log })),
      );
      return 0;
    }
    case 'down':
      await stack.down();
      return 0;
    case 'reset':
      await stack.reset();
      return 0;
    case 'status': {
      const { values } = parseArgs({ args: [...rest], options: { json: { type: 'boolean' }, watch: { type: 'boolean' } } });
      return await showStatus(stack, config, { json: values.json === true, watch: values.watch === true });
    }
    case 'heal': {
      const dog = createWatchdog({ stack, logger });
      const deadline = Date.now() + 180_000;
      for (;;) {
        const { health, actions } = await dog.round();
        const core = health.filter((p) => CORE_PARTS.includes(p.name));
        if (actions.length === 0 && core.every((p) => p.state === 'RUNNING')) {
          console.log(formatHealth(health));
          return 0;
        }
        if (Date.now() > deadline || core.some((p) => p.connector?.state === 'STALLED' && p.connector.lost)) {
          console.log(formatHealth(health));
          return 3;
        }
        await sleep(2000);
      }
    }
    case 'logs': {
      const files = stack.logFiles();
      const wanted = rest.filter((a) => a in files);
      const lines = Number(rest.find((a) => /^\d+$/.test(a)) ?? 50);
      for (const name of wanted.length > 0 ? wanted : Object.keys(files)) {
        const file = files[name];
        if (file === undefined) continue;
        console.log(`==> ${file} <==`);
        console.log(
          fs.existsSync(file)
            ? fs
                .readFileSync(file, 'utf8')
                .split('\n')
                .slice(-lines - 1)
                .join('\n')
            : '(no log yet)',
        );
      }
      return 0;
    }
    case 'env':
      // One URL per role: each part reads the one of its job (infra/db/pipelineRoles.ts).
      for (const [name, value] of Object.entries(stack.urls)) console.log(`export ${name}='${value}'`);
      // Not exported: CDC_FORMAT in a shell would make its next up or start switch the stack.
      console.log(`# the stack's CDC format: ${stack.cdcFormat} (CDC_FORMAT=json|avro on up or start switches it)`);
      console.log(`export API_URL='${stack.apps.apiUrl}'`);
      console.log(`export JWT_SECRET='${stack.apps.jwtSecret()}'`);
      return 0;
    case 'resnapshot': {
      const { values } = parseArgs({
        args: [...rest],
        options: { tables: { type: 'string' }, timeout: { type: 'string', default: '3600' } },
      });
      const definition = stack.connectorDefinition;
      let tables: string[];
      try {
        if (!/^[1-9]\d{0,6}$/.test(values.timeout ?? '')) throw new Error(`--timeout ${values.timeout}: a number of seconds`);
        tables = chooseTables(definition, values.tables);
      } catch (error) {
        console.error(error instanceof Error ? error.message : error);
        return 2;
      }
      return runResnapshot(
        {
          definition,
          writeDatabaseUrl: stack.urls.CDC_DATABASE_URL,
          kafkaBrokers: stack.urls.KAFKA_BROKERS,
          log: (line) => console.log(line),
          timeoutMs: Number(values.timeout) * 1000,
          values: createRecordValueReader({ schemaRegistryUrl: stack.urls.SCHEMA_REGISTRY_URL }),
        },
        tables,
      );
    }
    case 'recover-cdc': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          group: { type: 'string', default: 'im-projector' },
          timeout: { type: 'string', default: '3600' },
          force: { type: 'boolean', default: false },
        },
      });
      if (!/^[1-9]\d{0,6}$/.test(values.timeout ?? '')) {
        console.error(`--timeout ${values.timeout}: a number of seconds`);
        return 2;
      }
      return stack.recoverCdc({
        projectorGroup: values.group ?? 'im-projector',
        timeoutMs: Number(values.timeout) * 1000,
        force: values.force === true,
        log: (line) => console.log(line),
      });
    }
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

/**
 * `status`: the parts, then the chain as `npm run projector -- lag` shows it (the group of the
 * projector `npm start` runs, or PROJECTOR_GROUP_ID). The exit code is the parts' alone: a
 * projector that is behind does not make the stack unhealthy.
 */
async function showStatus(stack: LocalStack, config: StackConfig, { json, watch }: { json: boolean; watch: boolean }): Promise<number> {
  const projector = loadProjectorConfig({ ...config.inheritedEnv, ...stack.urls });
  const readPool = createReadPool(stack.urls.PROJECTOR_DATABASE_URL, 2, () => undefined);
  const admin = createOpsAdmin({ brokers: projector.kafkaBrokers, clientId: 'stack-status' });
  let partsWork = false;
  try {
    await admin.connect().catch(() => undefined); // a broker that is down shows as such below
    await showChain({
      sources: {
        admin,
        readPool,
        group: projector.groupId,
        topics: sourceTopics(projector.topicPrefix),
        topicPrefix: projector.topicPrefix,
        writeClient: stack.writeClient,
        registry: stack.registry,
        connectorName: stack.connectorDefinition.name,
        slotName: stack.connectorDefinition.config['slot.name'] ?? stack.connectorDefinition.name,
      },
      json,
      watch,
      extra: async () => {
        const health = await stack.health();
        partsWork = health.filter((p) => CORE_PARTS.includes(p.name)).every((p) => p.state === 'RUNNING');
        return { text: formatHealth(health), json: { parts: health.map(({ connector: _, ...part }) => part) } };
      },
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
    await Promise.race([readPool.end(), sleep(5000)]);
  }
  return partsWork ? 0 : 3;
}

/** A database URL fit to print: who and where, without the password. */
function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = '';
  return url.toString();
}

function printListening(
  urls: StackUrls,
  apps: { apiUrl: string; metricsUrl: string; prometheusUrl: string; dashboardUrl: string },
  logs: ReadonlyArray<{ name: string; log: string }>,
): void {
  console.log('\nThe pipeline is up:');
  console.log(`  write + query API  ${apps.apiUrl}  (OpenAPI: ${apps.apiUrl}/openapi.json)`);
  console.log(`  projector metrics  ${apps.metricsUrl}`);
  console.log(`  dashboard          ${apps.dashboardUrl}  (Grafana boards as code: infra/grafana/dashboards)`);
  console.log(`  prometheus         ${apps.prometheusUrl}  (alerts: ${apps.prometheusUrl}/alerts)`);
  console.log(`  write database     ${withoutPassword(urls.WRITER_DATABASE_URL)}  (a role per job: npm run stack -- env)`);
  console.log(`  read database      ${withoutPassword(urls.READER_DATABASE_URL)}`);
  console.log(`  kafka              ${urls.KAFKA_BROKERS}`);
  console.log(`  kafka connect      ${urls.CONNECT_URL}  (connector im-write, topics im.public.<table>)`);
  console.log('Get a token:');
  console.log(
    `  curl -s -XPOST ${apps.apiUrl}/users -H 'content-type: application/json' -d '{"nickname":"Ann"}'   # a new user and its token`,
  );
  console.log('  eval "$(npm run -s stack -- env)" && npm run -s token -- <userId>                # a token for any user');
  console.log('Logs:');
  for (const l of logs) console.log(`  ${l.name.padEnd(18)} ${l.log}`);
  console.log('Stop with: npm run stack -- down');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
