/**
 * Projector drain benchmark: fills the CDC topics with a backlog from the workload generator
 * while no projector runs, then measures how fast the projector drains it (events/s, view
 * rows/s), and, in the same run on the same backlog, the one-event-per-transaction baseline.
 *
 *   npm run bench:projector -- [--users 2000] [--rate 1500] [--duration 60] [--baseline-seconds 40]
 *
 * Everything it makes (databases, connector, slot, topics) is its own and removed at the end.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { loadProjectorConfig, sourceTopics } from '../../projector/config';
import { isCaughtUp } from '../../projector/operations/partitionLag';
import { createProjector } from '../../projector/projectorApp';
import { waitUntilCaptured } from '../support/projectorProgress';
import { openBenchStack } from './benchStack';
import { loadBenchConfig } from './benchConfig';
import { createBenchCapture } from './benchCapture';
import { runWorkload } from './runWorkload';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '1500' },
      duration: { type: 'string', default: '60' },
      'baseline-seconds': { type: 'string', default: '40' },
      // Leaves the backlog's topics and write database for profiling (test/bench/drainTopics.ts).
      keep: { type: 'boolean', default: false },
    },
  });
  const benchConfig = loadBenchConfig();
  const { logger, stack, urls, dbs, id } = await openBenchStack('bench');
  const names = { batch: `${id}_read_batch`, single: `${id}_read_single` };
  const prefix = id;
  const topics = sourceTopics(prefix);
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

    console.log(
      `\n== backlog: workload generator (--users ${values.users} --rate ${values.rate} --duration ${values.duration}) on ${id}_write`,
    );
    await runWorkload(writeUrl, benchConfig.inheritedEnv, [
      '--users',
      values.users!,
      '--rate',
      values.rate!,
      '--duration',
      values.duration!,
    ]).done;
    await waitUntilCaptured(writePool, 300_000, id);
    await writePool.end();
    const ends = await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t).catch(() => [])));
    const backlog = ends.flat().reduce((sum, p) => sum + Number(p.high), 0);
    console.log(`backlog: ${backlog} change events on ${topics.length} topics`);

    const batch = await drain('batch', names.batch, 'batch', Number.POSITIVE_INFINITY);
    const single = await drain('one-event', names.single, 'one-event', Number(values['baseline-seconds']));

    console.log('\n== results (same machine, same backlog, same run)');
    console.log(
      `batched projector:       ${batch.events} events in ${batch.seconds.toFixed(1)} s = ${Math.round(batch.events / batch.seconds)} events/s; ${batch.viewRows} view rows (${Math.round(batch.viewRows / batch.seconds)} rows/s)`,
    );
    console.log(
      `  time in batch transactions ${batch.batchSeconds.toFixed(1)} s (summed over ${batch.concurrency} concurrent partitions), in view builder passes ${batch.builderSeconds.toFixed(1)} s`,
    );
    console.log(
      `one event per transaction: ${single.events} events in ${single.seconds.toFixed(1)} s = ${Math.round(single.events / single.seconds)} events/s${single.caughtUp ? '' : ' (stopped before the end of the backlog)'}`,
    );
    console.log(`speed-up: ${(batch.events / batch.seconds / (single.events / single.seconds)).toFixed(1)}x`);
  } finally {
    if (values.keep === true) {
      console.log(`kept: topics ${prefix}.public.*, database ${id}_write`);
      await admin.disconnect();
      return;
    }
    await capture?.remove();
    await admin.disconnect();
    for (const name of Object.values(names)) await dbs.drop(name).catch(() => undefined);
  }

  async function drain(label: string, database: string, mode: 'batch' | 'one-event', maxSeconds: number) {
    const readUrl = await dbs.create(database, 'read');
    const config = loadProjectorConfig({
      PROJECTOR_DATABASE_URL: readUrl,
      KAFKA_BROKERS: urls.KAFKA_BROKERS,
      TOPIC_PREFIX: prefix,
      PROJECTOR_GROUP_ID: `${id}-${label}`,
      PROJECTOR_TRANSACTION_MODE: mode,
      LOG_LEVEL: 'warn',
    });
    const projector = await createProjector({ config, logger });
    console.log(`\n== draining with the ${label} projector into ${database}`);
    const started = Date.now();
    void projector.start();
    let caughtUp = false;
    while ((Date.now() - started) / 1000 < maxSeconds) {
      if (await isCaughtUp(admin, projector.pool, config.groupId, topics)) {
        caughtUp = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const { rows } = await projector.pool.query<{ events: string; rows: string }>(
      `select (select coalesce(sum(next_offset), 0) from projection_checkpoints where consumer_group = $1)::text as events,
              ((select count(*) from user_conversation_view) + (select count(*) from user_contact_view))::text as rows`,
      [config.groupId],
    );
    const metrics = await projector.metrics.registry.getMetricsAsJSON();
    const sumOf = (name: string) =>
      Number(
        (metrics.find((m) => m.name === name)?.values ?? []).find((v) => (v as { metricName?: string }).metricName === `${name}_sum`)
          ?.value ?? 0,
      );
    await projector.stop();
    return {
      events: Number(rows[0]?.events ?? 0),
      viewRows: Number(rows[0]?.rows ?? 0),
      seconds,
      caughtUp,
      concurrency: config.concurrency,
      batchSeconds: sumOf('projector_batch_duration_seconds'),
      builderSeconds: sumOf('projector_view_build_duration_seconds'),
    };
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
