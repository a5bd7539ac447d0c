/**
 * `npm run bench -- [--size short|full] [--out DIR]`: one command, one report.
 *
 * On the local stack, with a write database, connector, slot and topics of its own (removed at
 * the end), it measures in one run:
 * - Debezium's capture rate alone (the data set written while no projector runs): a ceiling;
 * - the drain of that data set by 1 member and by 2 members, each into a fresh read database,
 *   and the one-event-per-transaction baseline on the same topics;
 * - the list query against the same list by JOIN on the write database;
 * - a nickname change fanned out to 10,000 conversations;
 * - commit→view at 200, 500 and 1,000 writes/s (workload generator), with its three parts;
 * - the raw batched upsert rate of the drained view rows into PostgreSQL: a ceiling;
 * - each member's peak RSS;
 * - JSON against Avro on the same data set (a second connector, in Avro, on a slot reserved before
 *   the data set was written, run after the JSON capture): 1-member drain rates, key + value bytes
 *   per event on the topics (and on disk), projector CPU per event from its first batch on; skipped,
 *   saying so, when the waiting slot lost its WAL (a data set larger than max_slot_wal_keep_size).
 * It writes report.md, report.json and latency.svg under bench-results/<date>/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import type { Logger } from 'pino';
import type { Environment } from '../../infra/settings/settingSources';
import { loadProjectorConfig, sourceTopics } from '../../projector/config';
import { runRebuildCommand } from '../../projector/operations/rebuildCommand';
import { isCaughtUp } from '../../projector/operations/partitionLag';
import { waitUntilCaptured } from '../support/projectorProgress';
import { openBenchStack } from './benchStack';
import { loadBenchConfig } from './benchConfig';
import { createBenchCapture } from './benchCapture';
import { writeDataSet, type DataSetSize } from './benchDataSet';
import { counterTotal, histogramTotals, startBenchMember, type BenchMember } from './benchMember';
import { writeReport, type BenchReport, type LatencyAtRate } from './benchReportFiles';
import { probeCommitToView, quantile } from './commitToViewProbe';
import { achievedRate, runWorkload } from './runWorkload';
import { reserveAvroCapture, topicLogBytes, topicPayloadBytes } from './avroCapture';

const ROOT = path.resolve(__dirname, '..', '..');

const SIZES: Record<
  string,
  { readonly dataSet: DataSetSize; readonly rateSeconds: number; readonly baselineSeconds: number; readonly fanOut: number }
> = {
  // About 1/20 of the issue's data set: a few minutes in all.
  short: {
    dataSet: { users: 5_000, directChannels: 2_500, groups: 900, groupSize: 50, messages: 50_000 },
    rateSeconds: 20,
    baselineSeconds: 20,
    fanOut: 10_000,
  },
  // The issue's data set: 100k users, 50k direct channels, 18k groups of 50, 1M messages.
  full: {
    dataSet: { users: 100_000, directChannels: 50_000, groups: 18_000, groupSize: 50, messages: 1_000_000 },
    rateSeconds: 60,
    baselineSeconds: 60,
    fanOut: 10_000,
  },
};
const RATES = [200, 500, 1000];

const round = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: 'short' }, out: { type: 'string' } },
  });
  const size = SIZES[values.size!];
  if (size === undefined) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, not ${values.size}`);
  const started = new Date();
  const outDir = values.out ?? path.join(ROOT, 'bench-results', started.toISOString().replace(/[:.]/g, '-'));
  const benchConfig = loadBenchConfig();
  const { logger, stack, stackConfig, urls, dbs, id } = await openBenchStack('bench');
  const topics = sourceTopics(id);
  const admin = new Kafka({ clientId: 'bench', brokers: [urls.KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const say = (line: string) => console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(5)} s] ${line}`);
  const readDbs: string[] = [];
  const pools: Pool[] = [];
  const running: BenchMember[] = [];
  const raw: Record<string, unknown> = { size: values.size, dataSet: size.dataSet };
  let capture: Awaited<ReturnType<typeof createBenchCapture>> | undefined;
  let avro: Awaited<ReturnType<typeof reserveAvroCapture>> | undefined;
  let nextPort = 9700;

  const rate = (n: number, s: number) => n / s;
  const kafkaDataDir = stackConfig.kafka.dataDir;
  const topicEventsOf = async (of: readonly string[]) =>
    (await Promise.all(of.map((t) => admin.fetchTopicOffsets(t).catch(() => [])))).flat().reduce((sum, p) => sum + Number(p.high), 0);
  const topicEvents = async () =>
    (await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t).catch(() => [])))).flat().reduce((sum, p) => sum + Number(p.high), 0);

  /** Members of one group on a fresh read database; resolves once they have applied everything and built every view row. */
  async function drain(label: string, members: number, extraEnv: Record<string, string> = {}, maxSeconds = 3600, topicPrefix = id) {
    const database = `${id}_${label}`;
    const readUrl = await dbs.create(database, 'read');
    readDbs.push(database);
    const group = `${id}-${label}`;
    const env = {
      ...benchConfig.inheritedEnv,
      PROJECTOR_DATABASE_URL: readUrl,
      KAFKA_BROKERS: urls.KAFKA_BROKERS,
      TOPIC_PREFIX: topicPrefix,
      PROJECTOR_GROUP_ID: group,
      DEAD_LETTER_TOPIC: `${id}.dead-letters`,
      ...benchConfig.projectorTuning,
      ...extraEnv,
    };
    const readPool = new Pool({ connectionString: readUrl, max: 2 });
    pools.push(readPool);
    const t0 = Date.now();
    const started = Array.from({ length: members }, () => startBenchMember(env, nextPort++));
    running.push(...started);
    let caughtUp = false;
    /** The members' CPU time and the events applied when the first batch committed: start-up (compiling, connecting, migrating) is before it. */
    let firstApplied: { cpuSeconds: number; events: number } | undefined;
    const appliedEvents = async () =>
      Number(
        (
          await readPool.query<{ n: string }>(
            'select coalesce(sum(next_offset), 0)::text as n from projection_checkpoints where consumer_group = $1',
            [group],
          )
        ).rows[0]?.n ?? 0,
      );
    const cpuSeconds = () => started.reduce((sum, m) => sum + m.cpuSeconds(), 0);
    while ((Date.now() - t0) / 1000 < maxSeconds) {
      await sleep(200);
      if (firstApplied === undefined) {
        const events = await appliedEvents().catch(() => 0);
        if (events > 0) firstApplied = { cpuSeconds: cpuSeconds(), events };
      }
      if (await isCaughtUp(admin, readPool, group, sourceTopics(topicPrefix)).catch(() => false)) {
        caughtUp = true;
        break;
      }
    }
    const cpuEnd = cpuSeconds();
    const seconds = (Date.now() - t0) / 1000;
    // View rows written, repeats included: how often the builder built a row again as changes came in.
    const texts = await Promise.all(started.map((m) => m.metrics().catch(() => '')));
    const rowsBuilt = texts.reduce((sum, text) => sum + counterTotal(text, 'projector_view_rows_built_total'), 0);
    const { rows } = await readPool.query<{ events: string; conversations: string; contacts: string }>(
      `select (select coalesce(sum(next_offset), 0) from projection_checkpoints where consumer_group = $1)::text as events,
              (select count(*) from user_conversation_view)::text as conversations, (select count(*) from user_contact_view)::text as contacts`,
      [group],
    );
    const events = Number(rows[0]?.events ?? 0);
    return {
      readUrl,
      readPool,
      members: started,
      seconds,
      caughtUp,
      events,
      /** Members' CPU seconds per 1,000 events, from the first batch applied to caught up. */
      cpuPerThousand:
        firstApplied === undefined ? Number.NaN : ((cpuEnd - firstApplied.cpuSeconds) / (events - firstApplied.events)) * 1000,
      viewRows: Number(rows[0]?.conversations ?? 0) + Number(rows[0]?.contacts ?? 0),
      conversationRows: Number(rows[0]?.conversations ?? 0),
      rowsBuilt,
    };
  }

  async function stopMembers(members: readonly BenchMember[]): Promise<number[]> {
    const peaks = members.map((m) => m.peakRssMib());
    await Promise.all(members.map((m) => m.stop()));
    for (const m of members) running.splice(running.indexOf(m), 1);
    return peaks;
  }

  try {
    say(`machine: ${machine}`);
    capture = await createBenchCapture({ stack, urls, dbs, admin, id });
    // The same backlog in Avro, later: its slot keeps the data set's changes until then.
    avro = await reserveAvroCapture({ stack, urls, admin, json: capture.definition, database: capture.database, prefix: `${id}_avro` });
    const write = new Pool({ connectionString: capture.writeUrl, max: 4 });
    pools.push(write);

    // 1. Debezium alone: the data set written while no projector runs, until the slot confirmed it.
    say(`data set ${JSON.stringify(size.dataSet)}`);
    const writeStarted = Date.now();
    await writeDataSet(write, size.dataSet, 2n ** 56n, (line) => say(`  ${line}`));
    const writtenSeconds = (Date.now() - writeStarted) / 1000;
    await waitUntilCaptured(write, 3_600_000, id);
    const capturedAt = Date.now();
    const captureSeconds = (capturedAt - writeStarted) / 1000;
    const events = await topicEvents();
    raw.capture = { events, writtenSeconds, captureSeconds };
    say(`captured ${events} change events: written in ${round(writtenSeconds, 1)} s, in Kafka after ${round(captureSeconds, 1)} s`);

    // 1b. The same data set in Avro: its connector runs on the slot reserved before the writes,
    //     until it has confirmed them, then goes (the later steps' writes are not in its topics).
    const jsonDiskBytes = topicLogBytes(kafkaDataDir, topics);
    const avroCapture = await avro.capture();
    const avroTopics = sourceTopics(avro.prefix);
    if ('lost' in avroCapture) say(`Avro comparison skipped: ${avroCapture.lost}`);
    else
      say(
        `Avro: captured ${await topicEventsOf(avroTopics)} change events in ${round(avroCapture.seconds, 1)} s (its connector started on the retained WAL)`,
      );

    // 2. Drains: 1 member in JSON, the same in Avro, then 2 members in JSON (kept running for what follows).
    const one = await drain('one', 1);
    const onePeaks = await stopMembers(one.members);
    say(
      `1 member: ${one.events} events in ${round(one.seconds, 1)} s, ${one.viewRows} view rows (${one.rowsBuilt} built), peak RSS ${round(onePeaks[0]!)} MiB`,
    );
    let formats: FormatComparison | undefined;
    if (!('lost' in avroCapture)) {
      const avroDrain = await drain('avro', 1, { CDC_FORMAT: 'avro', SCHEMA_REGISTRY_URL: urls.SCHEMA_REGISTRY_URL }, 3600, avro.prefix);
      await stopMembers(avroDrain.members);
      const kafka = new Kafka({ clientId: 'bench-bytes', brokers: [urls.KAFKA_BROKERS], logLevel: logLevel.NOTHING });
      formats = {
        json: {
          events,
          payloadBytes: await topicPayloadBytes(kafka, admin, topics),
          diskBytes: jsonDiskBytes,
          drain: { events: one.events, seconds: one.seconds, caughtUp: one.caughtUp, cpuPerThousand: one.cpuPerThousand },
        },
        avro: {
          events: await topicEventsOf(avroTopics),
          payloadBytes: await topicPayloadBytes(kafka, admin, avroTopics),
          diskBytes: topicLogBytes(kafkaDataDir, avroTopics),
          drain: {
            events: avroDrain.events,
            seconds: avroDrain.seconds,
            caughtUp: avroDrain.caughtUp,
            cpuPerThousand: avroDrain.cpuPerThousand,
          },
          captureSeconds: avroCapture.seconds,
        },
      };
      raw.formats = formats;
      say(
        `1 member, Avro: ${avroDrain.events} events in ${round(avroDrain.seconds, 1)} s${avroDrain.caughtUp ? '' : ' (NOT caught up)'}, ${avroDrain.viewRows} view rows; ` +
          `${round(formats.avro.payloadBytes / formats.avro.events)} B/event key+value (JSON ${round(formats.json.payloadBytes / formats.json.events)}), ` +
          `projector CPU ${round(formats.avro.drain.cpuPerThousand, 3)} s per 1,000 events (JSON ${round(formats.json.drain.cpuPerThousand, 3)})`,
      );
    }
    const two = await drain('two', 2);
    say(`2 members: ${two.events} events in ${round(two.seconds, 1)} s, ${two.viewRows} view rows (${two.rowsBuilt} built)`);
    raw.drain = {
      one: { ...one, readPool: undefined, members: undefined, peakRssMib: onePeaks },
      two: { ...two, readPool: undefined, members: undefined },
    };

    // 3. The list query at this size, against the same list by JOIN on the write side.
    const list = await listQueries(two.readUrl, capture.writeUrl);
    raw.list = list;
    say(
      `list query: view p50 ${round(list.view.p50, 2)} ms p99 ${round(list.view.p99, 2)} ms; JOIN p50 ${round(list.join.p50, 2)} ms p99 ${round(list.join.p99, 2)} ms`,
    );

    // 4. A nickname change fanned out to `fanOut` conversations (and as many contact rows).
    const fanOut = await nicknameFanOut(write, two.readPool, size.fanOut, async () => {
      while (!(await isCaughtUp(admin, two.readPool, `${id}-two`, topics).catch(() => false))) await sleep(200);
    });
    raw.fanOut = fanOut;
    say(`nickname on ${size.fanOut} conversations: ${round(fanOut.seconds, 2)} s`);

    // 5. Commit→view under load, with its three parts.
    const latency: LatencyAtRate[] = [];
    const probe = await probeChannels(write, two.readPool);
    for (const rate of RATES) {
      const before = await Promise.all(two.members.map((m) => m.metrics()));
      const workload = runWorkload(
        capture.writeUrl,
        benchConfig.inheritedEnv,
        ['--users', '2000', '--rate', String(rate), '--duration', String(size.rateSeconds), '--seed', String(rate)],
        { quiet: true },
      );
      await sleep(3_000);
      const samples = await probeCommitToView({ write, read: two.readPool, ...probe, durationMs: (size.rateSeconds - 4) * 1000 });
      const after = await Promise.all(two.members.map((m) => m.metrics()));
      const report = await workload.done;
      const mean = (name: string) => {
        const sum = (texts: string[]) =>
          texts.reduce((acc, t) => ({ sum: acc.sum + histogramTotals(t, name).sum, count: acc.count + histogramTotals(t, name).count }), {
            sum: 0,
            count: 0,
          });
        const b = sum(before);
        const a = sum(after);
        return a.count > b.count ? ((a.sum - b.sum) / (a.count - b.count)) * 1000 : Number.NaN;
      };
      const point: LatencyAtRate = {
        rate,
        achieved: achievedRate(report),
        probes: samples.length,
        p50Ms: quantile(samples, 0.5),
        p99Ms: quantile(samples, 0.99),
        captureMs: mean('projector_capture_seconds'),
        consumeMs: mean('projector_consume_seconds'),
        markToViewMs: mean('projector_mark_to_view_seconds'),
      };
      latency.push(point);
      say(
        `${rate}/s asked, ${round(point.achieved)}/s done: commit→view p50 ${round(point.p50Ms)} ms, p99 ${round(point.p99Ms)} ms (${point.probes} probes); parts ${round(point.captureMs)} + ${round(point.consumeMs)} + ${round(point.markToViewMs)} ms`,
      );
    }
    const twoPeaks = await stopMembers(two.members);
    raw.twoPeakRssMib = twoPeaks;

    // 6. Ceiling: the same view rows upserted in batches of 5,000, no projection logic.
    const upsert = await upsertCeiling(two.readUrl);
    raw.upsert = upsert;
    say(`raw upsert: ${upsert.rows} rows in ${round(upsert.seconds, 1)} s`);

    // 7. The rebuild of the data set: `npm run projector -- rebuild`'s code, in this process, on the
    //    2-member drain's read database (its members stopped, its views still serving): a new
    //    version filled from the topics by a group of its own, verified against the write side, swapped in.
    const rebuild = await rebuildVersion({
      env: {
        ...benchConfig.inheritedEnv,
        PROJECTOR_DATABASE_URL: two.readUrl,
        KAFKA_BROKERS: urls.KAFKA_BROKERS,
        TOPIC_PREFIX: id,
        PROJECTOR_GROUP_ID: `${id}-two`,
        DEAD_LETTER_TOPIC: `${id}.dead-letters`,
        LOG_LEVEL: 'warn',
        ...benchConfig.projectorTuning,
      },
      writeDatabaseUrl: capture.writeUrl,
      logger,
    });
    raw.rebuild = rebuild;
    say(`rebuild: exit ${rebuild.exitCode}, filled in ${round(rebuild.fillSeconds, 1)} s, ${round(rebuild.seconds, 1)} s in all`);

    // 8. Baseline: one event per transaction, on the same topics, for a fixed time.
    const single = await drain('single', 1, { PROJECTOR_TRANSACTION_MODE: 'one-event' }, size.baselineSeconds);
    await stopMembers(single.members);
    raw.baseline = { events: single.events, seconds: single.seconds };
    say(`one event per transaction: ${single.events} events in ${round(single.seconds, 1)} s`);

    const captureRate = rate(events, captureSeconds);
    const oneRate = rate(one.events, one.seconds);
    const twoRate = rate(two.events, two.seconds);
    const singleRate = rate(single.events, single.seconds);
    const upsertRate = rate(upsert.rows, upsert.seconds);
    const report: BenchReport = {
      date: started.toISOString(),
      machine,
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim(),
      size: `${values.size}: ${size.dataSet.users} users, ${size.dataSet.directChannels} direct channels, ${size.dataSet.groups} groups of ${size.dataSet.groupSize}, ${size.dataSet.messages} messages`,
      rows: [
        {
          what: 'Debezium capture alone (data set written → in Kafka)',
          figure: `${round(captureRate)} events/s (${events} events, ${round(captureSeconds, 1)} s)`,
          against: '—',
          ratio: 'ceiling',
          goal: '—',
        },
        {
          what: 'drain, 1 member',
          figure: `${round(oneRate)} events/s (${round(one.seconds, 1)} s)`,
          against: `capture ${round(captureRate)}/s; one-event ${round(singleRate)}/s`,
          ratio: `${round(oneRate / captureRate, 2)} of capture; ${round(oneRate / singleRate, 1)}× one-event`,
          goal: '≥ 20,000/s, ≥ 5× one-event',
        },
        {
          what: 'drain, 2 members',
          figure: `${round(twoRate)} events/s (${round(two.seconds, 1)} s)`,
          against: `1 member ${round(oneRate)}/s`,
          ratio: `${round(twoRate / oneRate, 2)}× 1 member`,
          goal: '> 1 member',
        },
        {
          what: 'views complete after capture, 2 members',
          figure: `${round(two.seconds, 1)} s`,
          against: '—',
          ratio: '—',
          goal: values.size === 'full' ? '≤ 120 s' : '≤ 120 s at full size',
        },
        {
          what: 'view rows built, 2 members',
          figure: `${round(rate(two.viewRows, two.seconds))} rows/s (${two.viewRows} rows)`,
          against: `raw upsert ${round(upsertRate)} rows/s`,
          ratio: `${round(rate(two.viewRows, two.seconds) / upsertRate, 2)} of ceiling`,
          goal: '—',
        },
        {
          what: `list query, 50 rows (${two.conversationRows} view rows)`,
          figure: `p50 ${round(list.view.p50, 2)} ms, p99 ${round(list.view.p99, 2)} ms`,
          against: `JOIN p50 ${round(list.join.p50, 2)} ms, p99 ${round(list.join.p99, 2)} ms`,
          ratio: `${round(list.join.p99 / list.view.p99, 1)}× faster (p99)`,
          goal: 'p99 ≤ 5 ms, ≥ 10×',
        },
        {
          what: `nickname fanned out to ${size.fanOut} conversations`,
          figure: `${round(fanOut.seconds, 2)} s`,
          against: '—',
          ratio: '—',
          goal: '≤ 1 s',
        },
        {
          what: 'rebuild of the data set (new version from the topics, verified, swapped in)',
          figure: `filled in ${round(rebuild.fillSeconds, 1)} s (${round(rate(events, rebuild.fillSeconds))} events/s); ${round(rebuild.seconds, 1)} s in all${rebuild.exitCode === 0 ? '' : `; exit ${rebuild.exitCode}`}`,
          against: `drain, 1 member ${round(one.seconds, 1)} s`,
          ratio: `${round(rebuild.fillSeconds / one.seconds, 2)}× the drain`,
          goal: values.size === 'full' ? '≤ 120 s' : '≤ 120 s at full size',
        },
        ...formatRows(formats, oneRate),
        {
          what: 'peak RSS per member',
          figure: `1 member ${round(onePeaks[0]!)} MiB; 2 members ${twoPeaks.map((p) => round(p)).join(', ')} MiB`,
          against: '—',
          ratio: '—',
          goal: 'bounded',
        },
      ],
      latency,
      raw,
    };
    const md = writeReport(outDir, report);
    say(`report: ${md}`);
  } finally {
    await Promise.all(running.map((m) => m.stop().catch(() => undefined)));
    // Its slot is on the bench's write database, which capture.remove drops.
    await avro?.remove().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
    await capture?.remove();
    // The drains' groups and the rebuild's.
    const { groups } = await admin.listGroups().catch(() => ({ groups: [] }));
    await admin.deleteGroups(groups.map((g) => g.groupId).filter((g) => g.startsWith(id))).catch(() => undefined);
    await admin.disconnect();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    for (const name of readDbs) await dbs.drop(name).catch(() => undefined);
  }
}

async function timed(client: Client, sql: string, params: unknown[]): Promise<number> {
  const t = process.hrtime.bigint();
  await client.query(sql, params);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The list of the 100 users with most conversations, 5 times each, from the view and by JOIN on the write side. */
async function listQueries(readUrl: string, writeUrl: string) {
  const read = new Client({ connectionString: readUrl });
  const write = new Client({ connectionString: writeUrl });
  await read.connect();
  await write.connect();
  try {
    const { rows } = await read.query<{ user_id: string }>(
      'select user_id::text from user_conversation_view group by user_id order by count(*) desc limit 100',
    );
    const viewSql = `select * from user_conversation_view where user_id = $1 and closed_at is null and not is_hidden
                      order by is_pinned desc, last_message_time desc nulls last, channel_id desc limit 50`;
    // The same list computed from the normalized tables, as a service without views would.
    const joinSql = `select m.channel_id, c.channel_type, coalesce(nullif(f.remark_name, ''), pu.nickname, c.channel_name) as conversation_name,
                            lm.content, lm.created_at, su.nickname as sender_name, m.is_pinned,
                            (select count(*) from messages x where x.channel_id = m.channel_id and x.seq > coalesce(rr.last_read_seq, 0)
                                and x.sender_id <> m.user_id and x.recalled_at is null) as unread_count
                       from channel_members m
                       join channels c on c.id = m.channel_id
                       left join lateral (select * from messages where channel_id = m.channel_id order by seq desc limit 1) lm on true
                       left join users su on su.id = lm.sender_id
                       left join lateral (select o.user_id from channel_members o where c.channel_type = 1 and o.channel_id = m.channel_id and o.user_id <> m.user_id limit 1) p on true
                       left join users pu on pu.id = p.user_id
                       left join friendships f on f.user_id = m.user_id and f.friend_id = p.user_id
                       left join channel_read_records rr on rr.user_id = m.user_id and rr.channel_id = m.channel_id
                      where m.user_id = $1 and m.left_at is null and c.dissolved_at is null and not m.is_hidden
                      order by m.is_pinned desc, lm.created_at desc nulls last, m.channel_id desc limit 50`;
    const view: number[] = [];
    const join: number[] = [];
    for (let round = 0; round < 5; round += 1)
      for (const r of rows) {
        view.push(await timed(read, viewSql, [r.user_id]));
        join.push(await timed(write, joinSql, [r.user_id]));
      }
    return {
      users: rows.length,
      view: { p50: quantile(view, 0.5), p99: quantile(view, 0.99) },
      join: { p50: quantile(join, 0.5), p99: quantile(join, 0.99) },
    };
  } finally {
    await read.end();
    await write.end();
  }
}

/** A user in `n` direct conversations renames themself: seconds until every conversation and contact row shows the new name. */
async function nicknameFanOut(write: Pool, read: Pool, n: number, caughtUp: () => Promise<void>) {
  const base = 2n ** 57n;
  const star = base;
  await write.query("insert into users (id, nickname) select $1::bigint + g, 'fan ' || g from generate_series(0, $2::int) g", [
    String(base),
    n,
  ]);
  for (let from = 1; from <= n; from += 2_000) {
    const to = Math.min(n, from + 1_999);
    await write.query(
      `with ch as (insert into channels (id, channel_type) select $1::bigint + g, 1 from generate_series($2::int, $3::int) g returning id),
            mem as (insert into channel_members (channel_id, user_id) select $1::bigint + g, u from generate_series($2::int, $3::int) g, unnest(array[$4::bigint, $5::bigint + g]) u returning 1),
            fr as (insert into friendships (user_id, friend_id) select a, b from generate_series($2::int, $3::int) g, lateral (values ($4::bigint, $5::bigint + g), ($5::bigint + g, $4::bigint)) v(a, b) returning 1)
       select (select count(*) from ch) + (select count(*) from mem) + (select count(*) from fr)`,
      [String(base + 1_000_000n), from, to, String(star), String(base)],
    );
  }
  await caughtUp();
  const t0 = Date.now();
  await write.query("update users set nickname = 'renamed star', profile_ver = profile_ver + 1 where id = $1", [String(star)]);
  const committed = Date.now();
  for (;;) {
    const { rows } = await read.query<{ conversations: string; contacts: string }>(
      `select (select count(*) from conversation_reverse_index r join user_conversation_view v on v.user_id = r.owner_user_id and v.channel_id = r.channel_id
                where r.peer_user_id = $1 and v.peer_nickname = 'renamed star')::text as conversations,
              (select count(*) from contact_reverse_index r join user_contact_view v on v.user_id = r.owner_user_id and v.contact_user_id = r.contact_user_id
                where r.contact_user_id = $1 and v.nickname = 'renamed star')::text as contacts`,
      [String(star)],
    );
    if (Number(rows[0]?.conversations) >= n && Number(rows[0]?.contacts) >= n) break;
    if (Date.now() - committed > 600_000) throw new Error('the fan-out did not finish in 10 minutes');
    await sleep(20);
  }
  return { conversations: n, seconds: (Date.now() - committed) / 1000, writeMs: committed - t0 };
}

/** Ten probe groups of two (a sender and a reader), built in the views before probing starts. */
async function probeChannels(write: Pool, read: Pool) {
  const base = 2n ** 57n + 50_000_000n;
  const sender = base;
  const reader = base + 1n;
  const channels = Array.from({ length: 10 }, (_, i) => base + 10n + BigInt(i));
  await write.query("insert into users (id, nickname) values ($1, 'probe sender'), ($2, 'probe reader')", [String(sender), String(reader)]);
  for (const channel of channels) {
    await write.query("insert into channels (id, channel_type, channel_name, owner_user_id) values ($1, 2, 'probe', $2)", [
      String(channel),
      String(sender),
    ]);
    await write.query('insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)', [
      String(channel),
      String(sender),
      String(reader),
    ]);
  }
  for (;;) {
    const { rows } = await read.query<{ n: string }>('select count(*)::text as n from user_conversation_view where user_id = $1', [
      String(reader),
    ]);
    if (Number(rows[0]?.n) === channels.length) break;
    await sleep(50);
  }
  let next = base + 1_000n;
  return { channels, sender, reader, nextId: () => (next += 1n) };
}

/** The drained conversation rows upserted again in batches of 5,000: PostgreSQL's own rate for the builder's writes. */
/** A rebuild as `npm run projector -- rebuild` runs it, timed from its own progress lines. */
async function rebuildVersion({ env, writeDatabaseUrl, logger }: { env: Environment; writeDatabaseUrl: string; logger: Logger }) {
  const config = loadProjectorConfig(env);
  const lines: Array<{ readonly at: number; readonly line: string }> = [];
  const started = Date.now();
  const exitCode = await runRebuildCommand(
    {
      config,
      writeDatabaseUrl,
      logger,
      out: {
        write: (text: string) =>
          lines.push(
            ...text
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => ({ at: Date.now(), line })),
          ),
      },
    },
    'rebuild',
  );
  const seconds = (Date.now() - started) / 1000;
  const filledAt = lines.find((l) => /^caught up after/.test(l.line))?.at;
  return {
    exitCode,
    seconds,
    fillSeconds: filledAt === undefined ? Number.NaN : (filledAt - started) / 1000,
    lines: lines.map((l) => l.line),
  };
}

async function upsertCeiling(readUrl: string) {
  const client = new Client({ connectionString: readUrl });
  await client.connect();
  try {
    await client.query('create table bench_upsert_source as select row_number() over () as n, v.* from user_conversation_view v');
    const { rows: cols } = await client.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'user_conversation_view' and table_schema = current_schema() order by ordinal_position",
    );
    const names = cols.map((c) => c.column_name);
    const set = names
      .filter((c) => c !== 'user_id' && c !== 'channel_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    const { rows } = await client.query<{ n: string }>('select count(*)::text as n from bench_upsert_source');
    const total = Number(rows[0]?.n ?? 0);
    const t0 = Date.now();
    for (let from = 0; from < total; from += 5_000)
      await client.query(
        `insert into user_conversation_view (${names.join(', ')}) select ${names.join(', ')} from bench_upsert_source where n > $1 and n <= $2
         on conflict (user_id, channel_id) do update set ${set}`,
        [from, from + 5_000],
      );
    return { rows: total, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await client.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

interface FormatFigures {
  /** Change events in the format's topics after the data set was captured. */
  readonly events: number;
  /** Bytes of the records' keys and values. */
  readonly payloadBytes: number;
  /** Bytes of the topics' log segments on disk (batching and headers included; live capture writes smaller batches). */
  readonly diskBytes: number;
  readonly drain: { readonly events: number; readonly seconds: number; readonly caughtUp: boolean; readonly cpuPerThousand: number };
}
type FormatComparison = { readonly json: FormatFigures; readonly avro: FormatFigures & { readonly captureSeconds: number } };

/** JSON against Avro on the same data set, or one row saying why there is no comparison. */
function formatRows(formats: FormatComparison | undefined, oneRate: number): BenchReport['rows'] {
  const round = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  if (formats === undefined) {
    return [
      { what: 'JSON against Avro', figure: 'skipped: the Avro slot lost its WAL (see the log)', against: '—', ratio: '—', goal: '—' },
    ];
  }
  const { json, avro } = formats;
  const avroRate = avro.drain.events / avro.drain.seconds;
  const perEvent = (f: FormatFigures, bytes: number) => bytes / f.events;
  return [
    {
      what: `drain, 1 member, Avro (the same ${avro.events} events through the registry)`,
      figure: `${round(avroRate)} events/s (${round(avro.drain.seconds, 1)} s)${avro.drain.caughtUp ? '' : ', NOT caught up'}`,
      against: `JSON ${round(oneRate)}/s`,
      ratio: `${round(avroRate / oneRate, 2)}× JSON`,
      goal: '—',
    },
    {
      what: 'bytes per event on the CDC topics: key + value (on disk)',
      figure: `Avro ${round(perEvent(avro, avro.payloadBytes))} B (${round(perEvent(avro, avro.diskBytes))} B)`,
      against: `JSON ${round(perEvent(json, json.payloadBytes))} B (${round(perEvent(json, json.diskBytes))} B)`,
      ratio: `${round(perEvent(avro, avro.payloadBytes) / perEvent(json, json.payloadBytes), 2)}× JSON`,
      goal: '—',
    },
    {
      what: 'projector CPU per 1,000 events (1-member drain, first batch to caught up)',
      figure: `Avro ${round(avro.drain.cpuPerThousand, 3)} s`,
      against: `JSON ${round(json.drain.cpuPerThousand, 3)} s`,
      ratio: `${round(avro.drain.cpuPerThousand / json.drain.cpuPerThousand, 2)}× JSON`,
      goal: '—',
    },
    {
      what: 'Debezium, Avro: the data set from its retained slot (connector start included; JSON was captured live)',
      figure: `${round(avro.events / avro.captureSeconds)} events/s (${round(avro.captureSeconds, 1)} s)`,
      against: '—',
      ratio: '—',
      goal: '—',
    },
  ];
}
