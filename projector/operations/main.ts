import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { ConfigError, loadProjectorConfig, loadWriteDatabaseUrl, sourceTopics } from '../config';
import { createReadPool } from '../db/readPool';
import { listDeadLetters } from '../store/deadLetters';
import { pendingMarks } from '../store/dirtyMarks';
import { cdcFreshness } from './cdcFreshness';
import { partitionLag } from './partitionLag';
import { replayDeadLetters } from './replayDeadLetters';
import { runRebuildCommand } from './rebuildCommand';
import { parseReplayOptions, runReplay, type ReplayOptions } from './replayCommand';

// Debezium heartbeats every 5 s (connectors/im-write.json): six missed ones are not a hiccup.
const CDC_SILENCE_MS = 30_000;

const USAGE = `usage: npm run projector -- <command>

  lag                                  per-partition lag of the group (offsets and time), view rows waiting to be built,
                                       and whether CDC streams (exit 1 when no Debezium heartbeat came for 30 s)
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
                                       verify it against im_write (WRITE_DATABASE_URL) and swap it in atomically. A killed
                                       rebuild resumes where it stopped. An event it cannot apply stops it, naming the event,
                                       unless --dead-letter
  rebuild --rollback                   make the previous version live again (the one the last swap replaced)
  rebuild --drop-old                   drop the previous version (no rollback after that)
  rebuild --cancel                     drop a version a stopped rebuild was filling

Reads READ_DATABASE_URL, KAFKA_BROKERS, PROJECTOR_GROUP_ID (default im-projector), TOPIC_PREFIX (default im).`;

const OPTIONS = {
  all: { type: 'boolean' },
  'from-beginning': { type: 'boolean' },
  from: { type: 'string' },
  topic: { type: 'string' },
  partition: { type: 'string' },
  offset: { type: 'string' },
  help: { type: 'boolean' },
  'dead-letter': { type: 'boolean' },
  rollback: { type: 'boolean' },
  'drop-old': { type: 'boolean' },
  cancel: { type: 'boolean' },
} as const;

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
        const admin = new Kafka({ clientId: 'projector-ops', brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        const lags = await partitionLag(admin, pool, config.groupId, topics);
        console.log(
          `${'topic'.padEnd(34)} ${'part'.padStart(4)} ${'end'.padStart(10)} ${'applied'.padStart(10)} ${'lag'.padStart(8)} ${'time lag'.padStart(10)}  owner`,
        );
        for (const l of lags) {
          const timeLag = l.lastSourceTsMs === null ? '-' : `${((Date.now() - l.lastSourceTsMs) / 1000).toFixed(1)}s`;
          console.log(
            `${l.topic.padEnd(34)} ${String(l.partition).padStart(4)} ${String(l.end).padStart(10)} ${String(l.checkpoint).padStart(10)} ${String(l.lag).padStart(8)} ${timeLag.padStart(10)}  ${l.owner ?? '-'}`,
          );
        }
        const total = lags.reduce((sum, l) => sum + l.lag, 0n);
        console.log(`\ngroup ${config.groupId}: ${total} events behind, ${await pendingMarks(pool)} view keys waiting to be built`);
        const cdc = await cdcFreshness(admin, config.topicPrefix, { windowMs: CDC_SILENCE_MS });
        await admin.disconnect();
        if (cdc.kind === 'streaming') return 0;
        console.log(
          cdc.kind === 'silent'
            ? `CDC SILENT: no Debezium heartbeat reached Kafka in ${cdc.windowMs / 1000} s, so no change can reach the views and ` +
                '"events behind" counts only what is in Kafka. The connector is stalled or its replication slot is lost: ' +
                'see npm run stack -- status'
            : `CDC UNKNOWN: ${cdc.reason}`,
        );
        return 1;
      }
      case 'dead-letters': {
        if (sub === 'replay') {
          const ids = values.all === true ? 'all' : rest.map((id) => BigInt(id));
          if (ids !== 'all' && ids.length === 0) {
            console.error('name the dead letters to replay (ids from `npm run projector -- dead-letters`) or --all');
            return 2;
          }
          const outcomes = await replayDeadLetters(pool, ids);
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
        const admin = new Kafka({ clientId: 'projector-ops', brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
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
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
