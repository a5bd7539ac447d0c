/**
 * Rebuild benchmark: writes a data set into a write database of its own (captured by a connector
 * of its own into topics of its own), lets the live projector drain it (the baseline, same run,
 * same topics), then rebuilds a new version from those topics with `npm run projector -- rebuild`'s
 * code in this process, and reports each phase's time and rate and the peak memory.
 *
 *   npm run bench:rebuild -- [--users 20000] [--direct 10000] [--groups 3600] [--group-size 50] [--messages 200000]
 *   (the full data set of the issue: --users 100000 --direct 50000 --groups 18000 --messages 1000000)
 *
 * Everything it makes (databases, connector, slot, topics) is removed at the end.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { loadProjectorConfig, sourceTopics } from '../../projector/config';
import { isCaughtUp } from '../../projector/operations/partitionLag';
import { runRebuildCommand } from '../../projector/operations/rebuildCommand';
import { createProjector } from '../../projector/projectorApp';
import { waitUntilCaptured } from '../support/projectorProgress';
import { createBenchCapture } from './benchCapture';
import { openBenchStack } from './benchStack';
import { writeDataSet } from './benchDataSet';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '20000' },
      direct: { type: 'string', default: '10000' },
      groups: { type: 'string', default: '3600' },
      'group-size': { type: 'string', default: '50' },
      messages: { type: 'string', default: '200000' },
    },
  });
  const size = {
    users: Number(values.users),
    directChannels: Number(values.direct),
    groups: Number(values.groups),
    groupSize: Number(values['group-size']),
    messages: Number(values.messages),
  };
  const { logger, stack, urls, dbs, id } = await openBenchStack('rebuildbench');
  const readDatabase = `${id}_read`;
  const topics = sourceTopics(id);
  const kafka = new Kafka({ clientId: 'bench', brokers: [urls.KAFKA_BROKERS], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let capture: Awaited<ReturnType<typeof createBenchCapture>> | undefined;
  try {
    console.log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    );
    capture = await createBenchCapture({ stack, urls, dbs, admin, id });
    const writeUrl = capture.writeUrl;
    const writePool = new Pool({ connectionString: writeUrl });

    console.log(`\n== data set: ${JSON.stringify(size)}`);
    const writing = Date.now();
    await writeDataSet(writePool, size, 2n ** 56n, (line) => console.log(`  ${line}`));
    await waitUntilCaptured(writePool, 1_800_000, id);
    const records = (await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)))).flat().reduce((s, p) => s + Number(p.high), 0);
    console.log(`captured: ${records} records in the topics, ${((Date.now() - writing) / 1000).toFixed(1)} s after the first write`);
    await writePool.end();

    const readUrl = await dbs.create(readDatabase, 'read');
    const env = {
      PROJECTOR_DATABASE_URL: readUrl,
      KAFKA_BROKERS: urls.KAFKA_BROKERS,
      TOPIC_PREFIX: id,
      PROJECTOR_GROUP_ID: `${id}-live`,
      DEAD_LETTER_TOPIC: `${id}.dead-letters`,
      LOG_LEVEL: 'warn',
    };
    const config = loadProjectorConfig(env);

    console.log('\n== baseline: the live projector drains the same topics into the live version');
    const live = await createProjector({ config, logger });
    const drainStarted = Date.now();
    void live.start();
    await waitFor(async () => ((await isCaughtUp(admin, live.pool, config.groupId, topics)) ? true : undefined), {
      what: 'live projector caught up',
      timeoutMs: 3_600_000,
      intervalMs: 250,
    });
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    console.log(`live drain: ${records} records in ${drainSeconds.toFixed(1)} s = ${Math.round(records / drainSeconds)} records/s`);
    await live.stop();

    console.log('\n== rebuild into a new version (live projector stopped; its version keeps serving)');
    let peakRss = process.memoryUsage().rss;
    const memory = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    const marks: Array<{ at: number; line: string }> = [];
    const started = Date.now();
    const code = await runRebuildCommand(
      {
        config,
        writeDatabaseUrl: writeUrl,
        logger,
        out: {
          write: (text: string) => {
            for (const line of text.split('\n').filter((l) => l !== '')) {
              marks.push({ at: Date.now(), line });
              console.log(`  [${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
            }
          },
        },
      },
      'rebuild',
    );
    clearInterval(memory);
    const total = (Date.now() - started) / 1000;
    const at = (pattern: RegExp) => ((marks.find((m) => pattern.test(m.line))?.at ?? Date.now()) - started) / 1000;
    const filled = at(/^caught up after/);
    const verified = at(/^version \d+ matches the contract/);
    console.log('\n== results (this machine, this run)');
    console.log(`rebuild exit code ${code}; total ${total.toFixed(1)} s for ${records} records`);
    console.log(`  fill (apply + build until caught up): ${filled.toFixed(1)} s = ${Math.round(records / filled)} records/s`);
    console.log(`  verify: ${(verified - filled).toFixed(1)} s; swap and clean-up: ${(total - verified).toFixed(1)} s`);
    console.log(`  peak RSS of the rebuilding process: ${Math.round(peakRss / 2 ** 20)} MiB`);
    console.log(
      `  baseline, live drain of the same topics: ${drainSeconds.toFixed(1)} s; rebuild/live = ${(total / drainSeconds).toFixed(2)}`,
    );
  } finally {
    await capture?.remove();
    await admin.deleteGroups([`${id}-live`, `${id}-live.rebuild-v2`]).catch(() => undefined);
    await admin.disconnect();
    await dbs.drop(readDatabase).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
