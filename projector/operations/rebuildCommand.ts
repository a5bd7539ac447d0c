import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client, type Pool } from 'pg';
import type { Logger } from 'pino';
import { sourceTopics, type ProjectorConfig } from '../config';
import { UnappliableEventError } from '../consumer/applyBatch';
import { migrateReadDatabase } from '../db/migrateReadDatabase';
import { createReadPool } from '../db/readPool';
import { readUrlInSchema } from '../db/readUrlInSchema';
import { createProjector } from '../projectorApp';
import { inTransaction } from '../../infra/db/transaction';
import { latestCdcRecovery } from '../store/cdcRecoveryLog';
import { checkpointsOfGroup } from '../store/checkpoints';
import { retireFriendshipsMissedByCdc } from '../store/friendshipsMissedByCdc';
import { pendingMarks } from '../store/dirtyMarks';
import {
  beginVersion,
  dropVersion,
  ensureVersionRegistry,
  readVersions,
  swapIn,
  versionSchema,
  type ReadVersion,
} from '../store/readVersions';
import { formatVerifyReport } from '../verify/formatVerifyReport';
import { verifyViews, type VerifyResult } from '../verify/verifyViews';
import { lookAtDifferences } from './differencesUnderWrites';
import { formatRebuildProgress, type RebuildSample } from './rebuildProgress';

/** Held for the whole of a rebuild, rollback or drop: one at a time, and a killed one lets go. */
export const REBUILD_LOCK = 7_245_005;

export interface RebuildDeps {
  readonly config: ProjectorConfig;
  readonly writeDatabaseUrl: string;
  /** For the rebuild's own projector (its consumer, builder, kafkajs). */
  readonly logger: Logger;
  /** Progress and results, for a person. */
  readonly out: { write(text: string): void; readonly isTTY?: boolean };
}

export type RebuildAction = 'rebuild' | 'rollback' | 'drop-old' | 'cancel';

/**
 * `npm run projector -- rebuild`, with Marten's rebuilds and Emmett's blue/green rebuilds as the
 * models: a new version of the read side (readVersions.ts) is filled from the beginning of the
 * topics by a consumer group of its own while the live version keeps serving and being updated;
 * once it has caught up, `verify` checks it against im_write, and it is swapped in atomically.
 * The previous version stays for `--rollback` until `--drop-old`. A killed rebuild resumes
 * where its checkpoints stand; a second one while one runs is refused. Returns the exit code.
 */
export async function runRebuildCommand(
  deps: RebuildDeps,
  action: RebuildAction,
  { deadLetter = false, verifyRounds = 5 }: { deadLetter?: boolean; verifyRounds?: number } = {},
): Promise<number> {
  const { config, out } = deps;
  const say = (line: string) => out.write(`${line}\n`);
  const pool = createReadPool(config.readDatabaseUrl, 3);
  const lock = new Client({ connectionString: config.readDatabaseUrl });
  await lock.connect();
  try {
    const locked = await lock.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [REBUILD_LOCK]);
    if (locked.rows[0]?.ok !== true) {
      const filling = (await readVersions(pool).catch(() => [])).find((v) => v.state === 'filling');
      say(
        `refused: a rebuild, rollback or drop is running on this read database${filling === undefined ? '' : ` (version ${filling.version}, started ${filling.startedAt})`}; wait for it to end`,
      );
      return 3;
    }
    await ensureVersionRegistry(pool);
    const versions = await readVersions(pool);
    const live = versions.find((v) => v.state === 'live');
    const previous = versions.find((v) => v.state === 'previous');
    const filling = versions.find((v) => v.state === 'filling');

    switch (action) {
      case 'rollback': {
        if (previous === undefined) {
          say('refused: there is no previous version to roll back to');
          return 3;
        }
        const recovered = await latestCdcRecovery(pool);
        if (
          recovered !== null &&
          live?.swappedAt !== null &&
          live?.swappedAt !== undefined &&
          recovered.recoveredAt > new Date(live.swappedAt)
        ) {
          say(
            `refused: recover-cdc ran after version ${live.version} was swapped in, and version ${previous.version} would bring back ` +
              'the friendships deleted while the slot was lost; rebuild instead',
          );
          return 3;
        }
        // Migrations released since it was swapped out are applied to it first: the running
        // members expect them the moment it is live again.
        const previousSchema = versionSchema(previous);
        await migrateReadDatabase(readUrlInSchema(config.readDatabaseUrl, previousSchema), config.readPartitions, previousSchema);
        await swapIn(pool, { incoming: previous, fromGroup: config.groupId, toGroup: config.groupId });
        say(
          `rolled back: version ${previous.version} is live again; version ${live?.version} is kept as projector_v${live?.version} ` +
            '(rebuild --rollback swaps them again, rebuild --drop-old drops it). The projector goes on from where the restored version stood.',
        );
        return 0;
      }
      case 'drop-old': {
        if (previous === undefined) {
          say('nothing to drop: no previous version is kept');
          return 0;
        }
        await dropVersion(pool, previous);
        say(`dropped version ${previous.version} (schema projector_v${previous.version})`);
        return 0;
      }
      case 'cancel': {
        if (filling === undefined) {
          say('nothing to cancel: no rebuild is filling a version');
          return 0;
        }
        await dropVersion(pool, filling);
        await deleteKafkaGroup(config, filling.fillGroup);
        say(`cancelled the rebuild of version ${filling.version}; its schema and consumer group are dropped`);
        return 0;
      }
      case 'rebuild':
        // A rebuild killed after its swap left its consumer group behind.
        for (const v of versions) if (v.state !== 'filling' && v.fillGroup !== '') await deleteKafkaGroup(config, v.fillGroup);
        if (previous !== undefined) {
          say(
            `refused: version ${previous.version} is still kept for a rollback; drop it first (npm run projector -- rebuild --drop-old), or roll back to it`,
          );
          return 3;
        }
        return await fillAndSwap(deps, pool, filling ?? (await beginVersion(pool, `${config.groupId}.rebuild`)), filling !== undefined, {
          deadLetter,
          verifyRounds,
        });
      default: {
        const never: never = action;
        throw new Error(`unknown rebuild action ${String(never)}`);
      }
    }
  } finally {
    await lock.end().catch(() => undefined);
    await pool.end();
  }
}

async function fillAndSwap(
  deps: RebuildDeps,
  pool: Pool,
  version: ReadVersion,
  resumed: boolean,
  { deadLetter, verifyRounds }: { deadLetter: boolean; verifyRounds: number },
): Promise<number> {
  const { config, out } = deps;
  const say = (line: string) => out.write(`${line}\n`);
  const schema = versionSchema(version);
  const url = readUrlInSchema(config.readDatabaseUrl, schema);
  const started = Date.now();
  say(
    `${resumed ? 'resuming' : 'starting'} the rebuild of version ${version.version} (schema ${schema}, consumer group ${version.fillGroup}); ` +
      'the live views keep serving meanwhile',
  );

  let fatal: Error | undefined;
  const projector = await createProjector({
    config: { ...config, readDatabaseUrl: url, groupId: version.fillGroup, memberName: `${config.memberName}-rebuild` },
    logger: deps.logger,
    version: { schema },
    unappliable: deadLetter ? 'dead-letter' : 'fail',
    onFatal: (error) => (fatal ??= error),
  });
  const versionPool = createReadPool(url, 2);
  const admin = new Kafka({ clientId: 'projector-rebuild', brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = sourceTopics(config.topicPrefix);
  let stopped = false;
  const stopProjector = async () => {
    if (!stopped) await projector.stop();
    stopped = true;
  };
  try {
    await projector.start();
    const sampleNow = async (): Promise<RebuildSample> => {
      const done = (await checkpointsOfGroup(versionPool, version.fillGroup)).reduce((sum, c) => sum + c.nextOffset, 0n);
      let total = 0n;
      for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += BigInt(p.high);
      const built = (await projector.metrics.viewRowsBuilt.get()).values.reduce((sum, v) => sum + v.value, 0);
      return {
        atMs: Date.now(),
        recordsDone: done > total ? total : done,
        recordsTotal: total,
        keysBuilt: built,
        keysWaiting: await pendingMarks(versionPool),
      };
    };

    const endOffsets = async (): Promise<ReadonlyMap<string, bigint>> => {
      const ends = new Map<string, bigint>();
      for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
      return ends;
    };
    /**
     * Caught up with `ends`: every partition applied up to them, and no more marks waiting than
     * one builder pass takes. Under steady writes the topics never stand still, so "no lag at
     * all" might never be seen at one instant; verify's looks deal with the last changes.
     */
    const caughtUpWith = async (ends: ReadonlyMap<string, bigint>): Promise<boolean> => {
      const applied = new Map(
        (await checkpointsOfGroup(versionPool, version.fillGroup)).map((c) => [`${c.topic}/${c.partition}`, c.nextOffset]),
      );
      for (const [partition, end] of ends) if ((applied.get(partition) ?? 0n) < end) return false;
      return (await pendingMarks(versionPool)) < config.marksPerBuild;
    };

    // Fill: until it has applied what the topics held a moment ago.
    let previous = await sampleNow();
    let ends = await endOffsets();
    let lastLine = 0;
    for (;;) {
      if (fatal !== undefined) return failed(say, version, fatal);
      await sleep(1000);
      const now = await sampleNow();
      const line = formatRebuildProgress(previous, now);
      if (out.isTTY === true) out.write(`\r${line}\u001b[K`);
      else if (now.atMs - lastLine >= 10_000) {
        say(line);
        lastLine = now.atMs;
      }
      previous = now;
      if (await caughtUpWith(ends)) break;
      ends = await endOffsets();
    }
    if (out.isTTY === true) out.write('\n');
    const recovered = await latestCdcRecovery(pool);
    if (recovered !== null) {
      const retired = await inTransaction(versionPool, async (tx) => ({
        commit: true,
        value: await retireFriendshipsMissedByCdc(tx, recovered.snapshotLsn),
      }));
      if (retired.length > 0) say(`${retired.length} friendships deleted while a replication slot was lost were retired (recover-cdc)`);
      await waitUntilBuilt(versionPool, () => fatal);
    }
    say(
      `caught up after ${Math.round((Date.now() - started) / 1000)} s: ${previous.recordsDone} records applied; verifying version ${version.version}`,
    );

    // Verify while it keeps consuming: rows that changed on the write side since are looked at again.
    const verified = await verifyVersion(deps, url, verifyRounds, endOffsets, caughtUpWith, () => fatal);
    if (fatal !== undefined) return failed(say, version, fatal);
    if (verified.kind === 'differs') {
      say(formatVerifyReport(verified.result));
      say(
        `not swapped: version ${version.version} does not match the contract. It stays for a look (schema ${schema}); fix the cause and run rebuild again, or rebuild --cancel`,
      );
      return 1;
    }
    if (verified.kind === 'matches') say(`version ${version.version} matches the contract`);
    else
      say(
        `version ${version.version} matches the contract except ${verified.moving.length} rows the write side kept changing during every look ` +
          `(${verified.moving.slice(0, 5).join('; ')}${verified.moving.length > 5 ? '; …' : ''}); the live pipeline goes on with them`,
      );

    await stopProjector();
    const { outgoing } = await swapIn(pool, { incoming: version, fromGroup: version.fillGroup, toGroup: config.groupId });
    await admin.deleteGroups([version.fillGroup]).catch(() => undefined);
    say(
      `swapped: version ${version.version} is live (${Math.round((Date.now() - started) / 1000)} s in all). Version ${outgoing} is kept as ` +
        `projector_v${outgoing} for rebuild --rollback until rebuild --drop-old. Running projector members go on from the new version's checkpoints.`,
    );
    return 0;
  } finally {
    await stopProjector().catch(() => undefined);
    await admin.disconnect();
    await versionPool.end();
  }
}

/**
 * verify against the new version while it keeps following the write side (differencesUnderWrites.ts):
 * the rows that differ are looked at again once the version has caught up, a few times. A row
 * that differs the same way twice is real and fails the rebuild; rows still moving with the write
 * side after the last look are named, and left to the live pipeline after the swap.
 */
async function verifyVersion(
  deps: RebuildDeps,
  readUrl: string,
  rounds: number,
  endOffsets: () => Promise<ReadonlyMap<string, bigint>>,
  caughtUpWith: (ends: ReadonlyMap<string, bigint>) => Promise<boolean>,
  fatal: () => Error | undefined,
): Promise<{ readonly kind: 'matches' | 'moving' | 'differs'; readonly result: VerifyResult; readonly moving: readonly string[] }> {
  let previous: ReadonlyMap<string, string> | undefined;
  let owners: readonly string[] | undefined;
  for (let round = 1; ; round += 1) {
    const result = await verifyViews({
      writeUrl: deps.writeDatabaseUrl,
      readUrl,
      logger: deps.logger,
      maxDifferences: 10_000,
      ...(owners === undefined ? {} : { owners }),
    });
    if (result.matches) return { kind: 'matches', result, moving: [] };
    const look = lookAtDifferences(result, previous);
    if (look.standing.length > 0) return { kind: 'differs', result, moving: look.moving };
    if (round >= rounds) return { kind: look.truncated ? 'differs' : 'moving', result, moving: look.moving };
    deps.out.write(
      `verify, look ${round}: ${look.seen.size} rows of ${look.owners.length} owners differ; looking again once the version has caught up\n`,
    );
    previous = look.seen;
    owners = look.truncated ? undefined : look.owners;
    // Whatever the write side had when this look began must be in the version before the next.
    const ends = await endOffsets();
    const started = Date.now();
    while (fatal() === undefined && Date.now() - started < 60_000) {
      if (Date.now() - started >= 3_000 && (await caughtUpWith(ends))) break;
      await sleep(500);
    }
  }
}

/** Until the marks are built (at most a minute: verify's looks deal with what is left). */
async function waitUntilBuilt(versionPool: Pool, fatal: () => Error | undefined): Promise<void> {
  const started = Date.now();
  while (fatal() === undefined && Date.now() - started < 60_000 && (await pendingMarks(versionPool)) > 0) await sleep(200);
}

function failed(say: (line: string) => void, version: ReadVersion, error: Error): number {
  if (error instanceof UnappliableEventError) {
    say(
      `\nstopped: ${error.message}. Nothing of that batch was written. Fix the cause and run rebuild again (it resumes there), ` +
        `or run rebuild --dead-letter to dead-letter such events and go on`,
    );
  } else {
    say(`\nstopped: ${error.message}; run rebuild again to resume version ${version.version}`);
  }
  return 1;
}

async function deleteKafkaGroup(config: ProjectorConfig, group: string): Promise<void> {
  const admin = new Kafka({ clientId: 'projector-rebuild', brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteGroups([group]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
