import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Client } from 'pg';
import { cdcTopics } from '../../connectors/cdcTopics';
import type { ConnectorDefinition } from '../../connectors/connectorDefinition';
import type { ConnectorRegistry } from '../../connectors/connectorRegistry';
import type { RecordValueReader } from '../../connectors/recordValues';
import { createReadPool } from '../../projector/db/readPool';
import { readCheckpoints } from '../../projector/store/checkpoints';
import { recordCdcRecovery } from '../../projector/store/cdcRecoveryLog';
import { retireFriendshipsMissedByCdc } from '../../projector/store/friendshipsMissedByCdc';
import { inTransaction } from '../db/transaction';
import { clearCdcRecovery, readCdcRecovery, writeCdcRecovery, type CdcRecoveryState, type TopicOffsets } from './cdcRecoveryState';
import { readSlot } from './replicationSlot';
import { parseNotification, progressLine } from './resnapshot';

export interface RecoverCdcDeps {
  readonly definition: ConnectorDefinition;
  readonly registry: ConnectorRegistry;
  readonly stateDir: string;
  readonly kafkaBrokers: string;
  readonly readDatabaseUrl: string;
  /** A client on the connector's database, closed after use. */
  readonly writeClient: () => Promise<Client>;
  /** Ends the walsender holding the slot (the watchdog's remedy, reused). */
  readonly terminateSlotHolder: (pid: number) => Promise<boolean>;
  /** The projector's consumer group, whose checkpoints must pass the snapshot. */
  readonly projectorGroup: string;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  /** Reads notifications and change records in the format the connector writes. */
  readonly values: RecordValueReader;
  /** Recover even though the slot is not lost (a slot dropped by hand, a suspected gap). */
  readonly force?: boolean;
}

/**
 * `npm run stack -- recover-cdc`: the way back from a lost replication slot (its WAL is gone, so
 * the changes made since its confirmed position can never be streamed).
 * 1. Stop the connector (`PUT …/stop`), end the walsender if one still holds the slot, drop the
 *    slot, and forget the connector's offsets (`DELETE …/offsets`).
 * 2. Resume it: with no offsets, `snapshot.mode=initial` makes a new slot and reads every table in
 *    one consistent snapshot at the slot's start, then streams from there. Nothing committed after
 *    that point is missed, and the snapshot holds every row that exists.
 * 3. The projector applies the reads like any change (a version not newer changes nothing).
 *    Deletes made while the slot was lost are the one thing the reads cannot say: once the
 *    projector has applied the snapshot, the friendships it did not re-read are retired.
 * The state is kept in the stack's folder: a killed run is finished by running it again.
 * Returns the exit code: 0 recovered (or nothing to recover), 1 not finished (the reason printed).
 */
export async function recoverCdc(deps: RecoverCdcDeps): Promise<number> {
  const { definition, registry, stateDir, log } = deps;
  const name = definition.name;
  const slotName = definition.config['slot.name'] ?? name;
  const deadline = Date.now() + deps.timeoutMs;
  const kafka = new Kafka({ clientId: 'stack-recover-cdc', brokers: deps.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Debezium's own tables too: the heartbeat table always has a row, so the snapshot always reads one.
  const topics = cdcTopics(definition).map((t) => t.topic);
  const notificationTopic = definition.config['notification.sink.topic.name'];
  try {
    let state = readCdcRecovery(stateDir);
    if (state === undefined) {
      const slot = await readSlot(deps.writeClient, slotName);
      if (slot !== null && slot.walStatus !== 'lost' && deps.force !== true) {
        log(`replication slot ${slotName} is ${slot.walStatus}, not lost: nothing to recover (--force recovers anyway)`);
        return 0;
      }
      log(slot === null ? `replication slot ${slotName} does not exist` : `replication slot ${slotName} is ${slot.walStatus}`);
      // Made here if missing: a notification topic Connect made later would be read from its start.
      if (notificationTopic !== undefined)
        await admin.createTopics({ topics: [{ topic: notificationTopic, numPartitions: 1 }], waitForLeaders: true });
      const watched = notificationTopic === undefined ? topics : [...topics, notificationTopic];
      state = { phase: 'stopping', startedAt: new Date().toISOString(), slotName, before: await endOffsets(admin, watched) };
      writeCdcRecovery(stateDir, state);
    } else {
      log(`finishing the recovery started ${state.startedAt} (phase ${state.phase})`);
    }

    for (let attempt = 1; state.phase !== 'retiring'; attempt += 1) {
      if (state.phase === 'stopping') {
        await stopAndForget(deps, slotName, deadline);
        state = { ...state, phase: 'snapshotting' };
        writeCdcRecovery(stateDir, state);
      }
      const status = await registry.status(name);
      if (status?.connector.state !== 'RUNNING') await registry.resume(name);
      log(`connector ${name} resumed`);
      const snapshot =
        notificationTopic === undefined
          ? 'COMPLETED'
          : await followInitialSnapshot(
              admin,
              kafka,
              deps.values,
              notificationTopic,
              state.before[notificationTopic] ?? {},
              deadline,
              log,
              async () => {
                const now = await registry.status(name).catch(() => undefined);
                return [...(now?.tasks ?? [])].some((t) => t.state === 'FAILED');
              },
            );
      if (snapshot === 'TIMEOUT') {
        log('the snapshot did not complete within the timeout; run recover-cdc again to go on waiting');
        return 1;
      }
      if (snapshot === 'SKIPPED' || snapshot === 'FAILED') {
        // The stopping task committed its offsets after they were forgotten: the new task found
        // them and no slot (it fails), or skipped the snapshot. Start over (a few times at most).
        if (attempt >= 3)
          throw new Error(`connector ${name} did not snapshot after ${attempt} attempts (${snapshot}); see the Connect log`);
        log(`the connector ${snapshot === 'SKIPPED' ? 'skipped the snapshot' : 'task FAILED'} (offsets came back): stopping it once more`);
        const after = await endOffsets(admin, notificationTopic === undefined ? [] : [notificationTopic]);
        state = { ...state, phase: 'stopping', before: { ...state.before, ...after } };
        writeCdcRecovery(stateDir, state);
        continue;
      }
      const snapshotLsn = await snapshotReadLsn(admin, kafka, deps.values, topics, state.before, deadline);
      if (snapshotLsn === null) {
        log('no snapshot read reached Kafka within the timeout; run recover-cdc again to go on waiting');
        return 1;
      }
      state = { ...state, phase: 'retiring', snapshotLsn: snapshotLsn.toString(), snapshotEnd: await endOffsets(admin, topics) };
      writeCdcRecovery(stateDir, state);
      log(`snapshot in Kafka, read at LSN ${formatLsn(snapshotLsn)}`);
    }

    return await retireMissedDeletes(deps, state, deadline);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Stops the connector, drops its slot and forgets its offsets. Connect reports STOPPED before the
 * task has let go: its replication connection closes a moment later, and its last offset commit
 * comes after that. So the slot is dropped once no walsender holds it (one that lingers is ended),
 * and the offsets are deleted once they stand still, then read back empty.
 */
async function stopAndForget(deps: RecoverCdcDeps, slotName: string, deadline: number): Promise<void> {
  const { registry, log } = deps;
  const name = deps.definition.name;
  await registry.stop(name);
  log(`connector ${name} stopped`);
  await dropSlot(deps, slotName, deadline);
  log(`replication slot ${slotName} dropped`);
  for (let previous = await registry.offsets(name); ;) {
    await sleep(1000);
    const now = await registry.offsets(name);
    if (now === previous) break;
    previous = now;
  }
  await registry.deleteOffsets(name);
  const left = await registry.offsets(name);
  if (left !== '[]') throw new Error(`connector ${name} still has offsets after they were deleted: ${left}`);
  log('connector offsets forgotten: it starts with a snapshot of every table');
}

async function dropSlot(deps: RecoverCdcDeps, slotName: string, deadline: number): Promise<void> {
  for (;;) {
    const slot = await readSlot(deps.writeClient, slotName);
    if (slot === null) return;
    if (slot.holder !== null) await deps.terminateSlotHolder(slot.holder.pid);
    const client = await deps.writeClient();
    try {
      await client.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and not active', [
        slotName,
      ]);
    } finally {
      await client.end();
    }
    if (Date.now() > deadline) throw new Error(`replication slot ${slotName} is still held by a connection; it could not be dropped`);
    await sleep(200);
  }
}

type SnapshotEnd = 'COMPLETED' | 'SKIPPED' | 'FAILED' | 'TIMEOUT';

/** Follows Debezium's notifications after `from` until an initial snapshot completed or was skipped, or the task failed. */
async function followInitialSnapshot(
  admin: Admin,
  kafka: Kafka,
  values: RecordValueReader,
  topic: string,
  from: Readonly<Record<string, string>>,
  deadline: number,
  log: (line: string) => void,
  taskFailed: () => Promise<boolean>,
): Promise<SnapshotEnd> {
  let end: SnapshotEnd = 'TIMEOUT';
  // On a topic of several partitions (made before it was one), "completed" may be read before
  // some tables' "done": once it is, the rest is read up to the ends of that moment.
  let drainTo: Map<string, bigint> | undefined;
  const read = new Map<string, bigint>();
  const drained = () => drainTo !== undefined && [...drainTo].every(([p, to]) => (read.get(p) ?? BigInt(from[p] ?? '0')) >= to);
  const stop = async () => {
    if (end === 'TIMEOUT' && (await taskFailed())) end = 'FAILED';
    if (end === 'FAILED') return true;
    if (end !== 'TIMEOUT' && drainTo === undefined) {
      drainTo = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [String(o.partition), BigInt(o.high)]));
    }
    return drained();
  };
  await readFrom(kafka, [topic], { [topic]: from }, deadline, stop, values, (message, partition) => {
    read.set(String(partition), BigInt(message.offset) + 1n);
    const n = parseNotification(message.value);
    if (n !== null && n.aggregateType === 'Initial Snapshot') {
      const line = progressLine(n);
      if (line !== null) log(line);
      if (end === 'TIMEOUT' && (n.type === 'COMPLETED' || n.type === 'SKIPPED')) end = n.type;
    }
    return drained();
  });
  return end;
}

/**
 * The LSN of the snapshot that completed: every read of one snapshot carries the same, and a
 * snapshot started again (a task restarted mid-way) carries a higher one, so it is the highest read
 * LSN after `from`. Read from the heartbeat table's topic, which is small and whose one row every
 * snapshot reads; from the first read of any topic if that table was empty.
 */
async function snapshotReadLsn(
  admin: Admin,
  kafka: Kafka,
  values: RecordValueReader,
  topics: readonly string[],
  from: TopicOffsets,
  deadline: number,
): Promise<bigint | null> {
  const heartbeatTable = topics.find((t) => t.endsWith('.debezium_heartbeat'));
  if (heartbeatTable !== undefined) {
    const to = (await endOffsets(admin, [heartbeatTable]))[heartbeatTable] ?? {};
    const remaining = new Map(
      Object.entries(to).filter(([partition, end]) => BigInt(end) > BigInt(from[heartbeatTable]?.[partition] ?? '0')),
    );
    let highest: bigint | null = null;
    if (remaining.size > 0) {
      await readFrom(kafka, [heartbeatTable], from, deadline, noStop, values, (message, partition) => {
        const lsn = readLsn(message.value);
        if (lsn !== null && (highest === null || lsn > highest)) highest = lsn;
        if (BigInt(message.offset) + 1n >= BigInt(remaining.get(String(partition)) ?? '0')) remaining.delete(String(partition));
        return remaining.size === 0;
      });
    }
    if (highest !== null) return highest;
  }
  let first: bigint | null = null;
  await readFrom(kafka, topics, from, deadline, noStop, values, (message) => {
    first = readLsn(message.value);
    return first !== null;
  });
  return first;
}

const noStop = async () => false;

/** A snapshot read's LSN, or null for any other record. */
function readLsn(value: unknown): bigint | null {
  if (typeof value !== 'object' || value === null) return null;
  const parsed = value as { payload?: ChangeValue } & ChangeValue;
  const change = parsed.payload ?? parsed;
  return change.op === 'r' && typeof change.source?.lsn === 'bigint' ? change.source.lsn : null;
}

interface ChangeValue {
  readonly op?: string;
  readonly source?: { readonly lsn?: unknown };
}

/**
 * Reads `topics` from the given offsets with a throwaway consumer until `found` says so, `stop`
 * (asked every 2 s) says so, or the deadline passes.
 */
async function readFrom(
  kafka: Kafka,
  topics: readonly string[],
  from: TopicOffsets,
  deadline: number,
  stop: () => Promise<boolean>,
  values: RecordValueReader,
  found: (message: { readonly value: unknown; readonly offset: string }, partition: number) => boolean,
): Promise<void> {
  const groupId = `stack-recover-cdc-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const timer = setTimeout(() => done(), Math.max(0, deadline - Date.now()));
  const poll = setInterval(() => {
    stop().then(
      (yes) => yes && done(),
      () => undefined,
    );
  }, 2000);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const topic of topics)
        for (const [partition, offset] of Object.entries(from[topic] ?? {})) consumer.seek({ topic, partition: Number(partition), offset });
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        // Seeking is only a shortcut: whatever was fetched before it is skipped here.
        if (BigInt(message.offset) < BigInt(from[topic]?.[String(partition)] ?? '0')) return;
        if (found({ value: await values(message.value), offset: message.offset }, partition)) done();
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Waits until the projector has applied the snapshot of friendships, then retires the deletes it could not see. */
async function retireMissedDeletes(deps: RecoverCdcDeps, state: CdcRecoveryState, deadline: number): Promise<number> {
  const { log } = deps;
  const topic = cdcTopics(deps.definition)
    .map((t) => t.topic)
    .find((t) => t.endsWith('.public.friendships'));
  if (topic === undefined || state.snapshotLsn === undefined || state.snapshotEnd === undefined) {
    clearCdcRecovery(deps.stateDir);
    log('recovered: streaming again');
    return 0;
  }
  const end = state.snapshotEnd[topic] ?? {};
  const before = state.before[topic] ?? {};
  const partitions = Object.keys(end).map((p) => ({ topic, partition: Number(p) }));
  const total = partitions.reduce((sum, p) => sum + (BigInt(end[p.partition] ?? '0') - BigInt(before[p.partition] ?? '0')), 0n);
  const pool = createReadPool(deps.readDatabaseUrl, 2);
  try {
    let lastLine = 0;
    for (;;) {
      const stored = new Map(
        (await readCheckpoints(pool, deps.projectorGroup, partitions)).map((c) => [c.partition, c.nextOffset] as const),
      );
      let applied = 0n;
      for (const p of partitions) {
        const at = stored.get(p.partition) ?? 0n;
        const from = BigInt(before[p.partition] ?? '0');
        const to = BigInt(end[p.partition] ?? '0');
        applied += (at < from ? from : at > to ? to : at) - from;
      }
      if (applied >= total) break;
      if (Date.now() > deadline) {
        log(
          `projector group ${deps.projectorGroup} has applied ${applied} of ${total} snapshot records of ${topic}; ` +
            'is it running (npm start)? Run recover-cdc again to finish',
        );
        return 1;
      }
      if (Date.now() - lastLine > 10_000) {
        lastLine = Date.now();
        log(`waiting for projector group ${deps.projectorGroup}: ${applied} of ${total} snapshot records of ${topic} applied`);
      }
      await sleep(1000);
    }
    const dead = await pool.query<{ n: string }>(
      `select count(*)::text as n from projection_dead_letters d
         join unnest($3::int[], $4::bigint[], $5::bigint[]) k(partition, from_offset, to_offset)
           on d.partition = k.partition and d."offset" >= k.from_offset and d."offset" < k.to_offset
        where d.consumer_group = $1 and d.topic = $2 and d.replayed_at is null`,
      [
        deps.projectorGroup,
        topic,
        partitions.map((p) => p.partition),
        partitions.map((p) => before[p.partition] ?? '0'),
        partitions.map((p) => end[p.partition] ?? '0'),
      ],
    );
    if (Number(dead.rows[0]?.n ?? 0) > 0) {
      log(
        `${dead.rows[0]?.n} snapshot records of ${topic} were dead-lettered: retiring friendships now could remove ones that exist. ` +
          'Fix their cause and replay them (npm run projector -- dead-letters replay --all), then run recover-cdc again',
      );
      return 1;
    }
    const snapshotLsn = BigInt(state.snapshotLsn);
    const retired = await inTransaction(pool, async (tx) => {
      const value = await retireFriendshipsMissedByCdc(tx, snapshotLsn);
      // For later rebuilds: replaying the topics brings these friendships back (cdcRecoveryLog.ts).
      await recordCdcRecovery(tx, snapshotLsn);
      return { commit: true, value };
    });
    log(`${retired.length} friendships deleted while the slot was lost were retired`);
    clearCdcRecovery(deps.stateDir);
    log('recovered: streaming again, and the views converge as the projector builds them (check with npm run verify)');
    return 0;
  } finally {
    await pool.end();
  }
}

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<TopicOffsets> {
  const existing = new Set(await admin.listTopics());
  const result: Record<string, Record<string, string>> = {};
  for (const topic of topics.filter((t) => existing.has(t))) {
    result[topic] = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((o) => [String(o.partition), o.high]));
  }
  return result;
}

function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
