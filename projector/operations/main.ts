import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import pino from 'pino';
import { ConfigError, loadChainSettings, loadProjectorConfig, loadWriteDatabaseUrl, sourceTopics } from '../config';
import { createReadPool } from '../db/readPool';
import { listDeadLetters } from '../store/deadLetters';
import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { showChain } from './chainCommand';
import { createOpsAdmin } from './opsAdmin';
import { formatPartitionLag, partitionLagJson } from './partitionLag';
import { replayDeadLetters } from './replayDeadLetters';
import { changeRecordDecoderFor } from '../decode/decoderForFormat';
import { runRebuildCommand } from './rebuildCommand';
import { parseReplayOptions, runReplay, type ReplayOptions } from './replayCommand';

const USAGE = `usage: npm run projector -- <command>

  lag [--json] [--watch]               the whole chain, WAL -> slot -> Connect -> Kafka -> projector checkpoints -> view
                                       builder, each link with its lag and a verdict (healthy, behind, stalled with the
                                       reason), under the group's per-partition lag; exit 3 when a link is stalled.
                                       --json: one JSON object (a line per redraw with --watch); --watch: redraw every second.
                                       The slot and the connector need VERIFIER_WRITE_DATABASE_URL and CONNECT_URL
  dead-letters [--all]                 the dead letters not replayed yet (--all: every one)
  dead-letters replay [<id>...|--all]  apply dead letters again after fixing their cause
  replay --from-beginning              move the group's checkpoints to offset 0: running members re-apply
                                       every topic over the live views (nothing changes if they were right)
  replay --from <ISO time>             move them back to the first record at or after that time, per partition
  replay --topic T --partition P --offset O
                                       move one partition's checkpoint back to that offset
                                       (a checkpoint is never moved forward: replaying never skips records)

  rebuild [--dead-letter]              fill a new version of the read side from the beginning of the topics with a consumer
                                       group of its own while the live views keep serving; progress bar; once caught up,
                                       verify it against im_write (VERIFIER_WRITE_DATABASE_URL) and swap it in atomically. A killed
                                       rebuild resumes where it stopped. An event it cannot apply stops it, naming the event,
                                       unless --dead-letter
  rebuild --rollback                   make the previous version live again (the one the last swap replaced)
  rebuild --drop-old                   drop the previous version (no rollback after that)
  rebuild --cancel                     drop a version a stopped rebuild was filling

Reads PROJECTOR_DATABASE_URL, KAFKA_BROKERS, PROJECTOR_GROUP_ID (default im-projector), TOPIC_PREFIX (default im), and for lag
VERIFIER_WRITE_DATABASE_URL and CONNECT_URL when set (eval "$(npm run -s stack -- env)" sets them all).`;

const OPTIONS = {
  all: { type: 'boolean' },
  'from-beginning': { type: 'boolean' },
  from: { type: 'string' },
  topic: { type: 'string' },
  partition: { type: 'string' },
  offset: { type: 'string' },
  help: { type: 'boolean' },
  json: { type: 'boolean' },
  watch: { type: 'boolean' },
  'dead-letter': { type: 'boolean' },
  rollback: { type: 'boolean' },
  'drop-old': { type: 'boolean' },
  cancel: { type: 'boolean' },
} as const;

/** A client on `url` for one read; the connect timeout keeps a dead database from hanging `lag`. */
async function connectedClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'projector-lag' });
  await client.connect();
  return client;
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

const replayOptions = ({ from, topic, partition, offset, ...flags }: Values): ReplayOptions => ({
  fromBeginning: flags['from-beginning'] === true,
  ...(from === undefined ? {} : { from }),
  ...(topic === undefined ? {} : { topic }),
  ...(partition === undefined ? {} : { partition }),
  ...(offset === undefined ? {} : { offset }),
});

async function main(argv: string[]): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsedArgs;
  const [command, sub, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const config = loadProjectorConfig();
  const pool = createReadPool(config.readDatabaseUrl, 2);
  const topics = sourceTopics(config.topicPrefix);
  try {
    switch (command) {
      case 'lag': {
        const chain = loadChainSettings();
        const writeUrl = chain.writeDatabaseUrl ?? '';
        const definition = loadConnectorDefinition();
        const admin = createOpsAdmin({ brokers: config.kafkaBrokers });
        await admin.connect().catch(() => undefined); // a broker that is down shows as a stalled link
        try {
          return await showChain({
            sources: {
              admin,
              readPool: pool,
              group: config.groupId,
              topics,
              topicPrefix: config.topicPrefix,
              writeClient: chain.writeDatabaseUrl === undefined ? undefined : () => connectedClient(writeUrl),
              registry: chain.connectUrl === undefined ? undefined : createConnectorRegistry({ connectUrl: chain.connectUrl }),
              connectorName: definition.name,
              slotName: definition.config['slot.name'] ?? definition.name,
            },
            json: values.json === true,
            watch: values.watch === true,
            extra: async ({ projector }) =>
              projector.ok
                ? {
                    text: formatPartitionLag(projector.value.lags),
                    json: { group: config.groupId, partitions: projector.value.lags.map(partitionLagJson) },
                  }
                : { text: `per-partition lag unavailable: ${projector.error}`, json: { group: config.groupId, partitions: null } },
          });
        } finally {
          await admin.disconnect();
        }
      }
      case 'dead-letters': {
        if (sub === 'replay') {
          const ids = values.all === true ? 'all' : rest.map((id) => BigInt(id));
          if (ids !== 'all' && ids.length === 0) {
            console.error('name the dead letters to replay (ids from `npm run projector -- dead-letters`) or --all');
            return 2;
          }
          const outcomes = await replayDeadLetters(pool, ids, changeRecordDecoderFor(config.cdc).decoder);
          for (const o of outcomes)
            console.log(`${String(o.id).padStart(6)} ${o.position.padEnd(40)} ${o.result}${o.error === undefined ? '' : `: ${o.error}`}`);
          console.log(
            `${outcomes.filter((o) => o.result !== 'failed').length} replayed, ${outcomes.filter((o) => o.result === 'failed').length} still failing`,
          );
          return outcomes.some((o) => o.result === 'failed') ? 1 : 0;
        }
        const letters = await listDeadLetters(pool, { includeReplayed: values.all === true, limit: 1000 });
        for (const l of letters) {
          console.log(
            `${String(l.id).padStart(6)} ${`${l.topic}/${l.partition}@${l.offset}`.padEnd(40)} ${l.errorKind.padEnd(6)} ${l.createdAt}${l.replayedAt === null ? '' : ` replayed ${l.replayedAt}`}\n       ${l.error}`,
          );
        }
        console.log(`${letters.length} dead letters`);
        return 0;
      }
      case 'replay': {
        const parsed = parseReplayOptions(replayOptions(values), topics);
        if (parsed.kind === 'usage') {
          console.error(parsed.reason);
          return 2;
        }
        const admin = createOpsAdmin({ brokers: config.kafkaBrokers });
        await admin.connect();
        try {
          const log = (line: string) => console.log(line);
          const fail = (line: string) => console.error(line);
          return await runReplay({ admin, pool, group: config.groupId, topics, log, fail }, parsed.point);
        } finally {
          await admin.disconnect();
        }
      }
      case 'rebuild': {
        const chosen = (['rollback', 'drop-old', 'cancel'] as const).filter((a) => values[a] === true);
        if (chosen.length > 1 || (chosen.length > 0 && values['dead-letter'] === true)) {
          console.error(`rebuild: give at most one of --rollback, --drop-old, --cancel (and --dead-letter only for a rebuild)\n\n${USAGE}`);
          return 2;
        }
        const writeDatabaseUrl = chosen.length === 0 ? loadWriteDatabaseUrl() : '';
        // The rebuild's own projector logs warnings and errors only; progress goes to stdout.
        const logger = pino({ level: 'warn', base: { service: 'projector-rebuild' } }, pino.destination(2));
        return await runRebuildCommand({ config, writeDatabaseUrl, logger, out: process.stdout }, chosen[0] ?? 'rebuild', {
          deadLetter: values['dead-letter'] === true,
        });
      }
      default:
        console.error(`unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } finally {
    // A connection stuck on a database that stopped answering must not keep the command from exiting.
    await Promise.race([pool.end(), sleep(5000)]);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
