import type { Pool, PoolClient } from 'pg';
import { inClientTransaction } from '../../infra/db/transaction';
import { BUILDER_SHARDS, FAN_OUT_SHARD, shardOfStored, storedShardsOf } from '../projection/builderShard';
import { isShardMark, type DirtyMark } from '../projection/dirtyMark';
import { buildViews, type BuildResult } from './buildViews';
import { clearBuiltMarks, hasPendingMarks, marksWaitingIn, oldestDirtyMarks, shardsWithWork } from './dirtyMarks';
import { expandFanOutMarks } from './expandFanOutMarks';
import { planByKeysOnly } from './keyProbePlans';
import { VERSION_SWAP_LOCK } from './versionSwapLock';

// A shard is built by one member at a time: the holder of its session lock (not a transaction
// lock, so that it is held before the pass's snapshot exists and a pass always sees the previous
// pass's rows). Keyed by the schema too: a rebuild's version (readVersions.ts) has builders of its own.
const SHARD_LOCK_BASE = 7_245_010;
// The one lock of the releases that built everything on one member. Passes now hold it shared, so
// that during a rolling upgrade an old member and the new ones never build at the same time.
const SINGLE_BUILDER_LOCK = 7_245_003;

const OWNER_SHARDS: readonly number[] = Array.from({ length: BUILDER_SHARDS }, (_, shard) => shard);
// Fan-out marks expanded per pass: each can name hundreds of rows.
const FAN_OUT_MARKS_PER_PASS = 500;

type Timed = ReadonlyArray<{ readonly mark: DirtyMark['kind']; readonly seconds: number }>;

export type PassResult =
  | { readonly kind: 'busy' }
  | ({
      readonly kind: 'built';
      /** Owner marks built. */
      readonly marks: number;
      /** Fan-out marks and hand-overs turned into shard marks. */
      readonly expanded: number;
      /** The owner shards this pass held. */
      readonly shards: readonly number[];
      /** Per built mark that knows its source time: how long from that source commit to this pass's commit. */
      readonly commitToView: Timed;
      /** Per built mark: how long from its marking (the batch's end) to this pass's commit. */
      readonly markToView: Timed;
    } & BuildResult);

const lockKeys = `$1::int, case when current_schema() = 'public' then 0 else hashtext(current_schema()) end`;

async function tryLockShard(client: PoolClient, shard: number): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${lockKeys}) as ok`, [SHARD_LOCK_BASE + 1 + shard]);
  return rows[0]?.ok === true;
}

async function unlockShard(client: PoolClient, shard: number): Promise<void> {
  await client.query(`select pg_advisory_unlock(${lockKeys})`, [SHARD_LOCK_BASE + 1 + shard]);
}

const singleBuilderLock = (fn: string) =>
  `select case when current_schema() = 'public' then ${fn}($1::bigint) else ${fn}($1::int, hashtext(current_schema())) end as ok`;

/**
 * One pass of the view builder on one member:
 * 1. if no other pass is doing it, expands up to 500 fan-out marks and hand-overs into owner
 *    marks (expandFanOutMarks.ts);
 * 2. takes the owner shards with marks, oldest first, until they hold about `limit` marks,
 *    skipping shards another member holds, so that members under load build different shards
 *    and a quiet pipeline builds everything in one pass;
 * 3. rebuilds their view rows from up to `limit` marks, oldest first, and clears the marks it
 *    read, unless a batch marked them again meanwhile (their seq moved): then they stay.
 *
 * The build reads one snapshot (REPEATABLE READ): a row's stored unread count and the
 * last_message_seq it was counted up to must come from the same state, or counting on from
 * there would count some messages twice. Marks are cleared in a second transaction; a crash in
 * between only means the same rows are built again. A member that dies mid-pass loses its session,
 * and with it its shard locks: another member takes the shards at its next pass.
 */
export async function runViewBuilderPass(pool: Pool, limit: number): Promise<PassResult> {
  const client = await pool.connect();
  const held: number[] = [];
  let upgradeLocked = false;
  let swapLocked = false;
  let broken: Error | undefined;
  try {
    const upgrade = await client.query<{ ok: boolean }>(singleBuilderLock('pg_try_advisory_lock_shared'), [SINGLE_BUILDER_LOCK]);
    upgradeLocked = upgrade.rows[0]?.ok === true;
    if (!upgradeLocked) return { kind: 'busy' };
    // The whole pass (its build and its clearing of marks) in one version: a swap waits for it.
    await client.query('select pg_advisory_lock_shared($1)', [VERSION_SWAP_LOCK]);
    swapLocked = true;

    let expanded = 0;
    if (await tryLockShard(client, FAN_OUT_SHARD)) {
      // Let go as soon as it is done: another worker may expand while this one builds.
      try {
        // Hand-overs are one row each, and a pass's build can append thousands: as many go as it builds.
        expanded = await expandFanOutMarks(client, FAN_OUT_MARKS_PER_PASS, limit);
      } finally {
        await unlockShard(client, FAN_OUT_SHARD);
      }
    }
    const waiting = [...new Set((await shardsWithWork(client, OWNER_SHARDS.flatMap(storedShardsOf))).map(shardOfStored))];
    let taking = 0;
    for (const shard of waiting) {
      if (taking >= limit) break;
      if (!(await tryLockShard(client, shard))) continue;
      held.push(shard);
      taking += await marksWaitingIn(client, storedShardsOf(shard), limit - taking);
    }
    const nothing = { conversationRows: 0, conversationRowsChanged: 0, contactRows: 0, handedOver: 0 };
    if (held.length === 0)
      return expanded === 0 && waiting.length > 0
        ? { kind: 'busy' }
        : { kind: 'built', marks: 0, expanded, shards: held, commitToView: [], markToView: [], ...nothing };

    const built = await inClientTransaction(
      client,
      async (tx) => {
        await planByKeysOnly(tx);
        const taken = await oldestDirtyMarks(tx, held.flatMap(storedShardsOf), limit);
        const marks = taken.map((t) => t.mark).filter(isShardMark);
        if (marks.length !== taken.length) throw new Error('a fan-out mark was routed to an owner shard');
        const result = marks.length === 0 ? nothing : await buildViews(tx, marks, new Set(held));
        return { commit: true, value: { taken, result } };
      },
      { begin: 'isolation level repeatable read' },
    );
    // The view rows are committed now: this is when the changes show.
    const committedAt = Date.now();
    const commitToView = built.taken.flatMap((t) =>
      t.sourceTsMs === null ? [] : [{ mark: t.mark.kind, seconds: Math.max(0, committedAt - t.sourceTsMs) / 1000 }],
    );
    const markToView = built.taken.map((t) => ({ mark: t.mark.kind, seconds: Math.max(0, committedAt - t.markedAtMs) / 1000 }));
    await inClientTransaction(client, async (tx) => {
      await planByKeysOnly(tx);
      await clearBuiltMarks(tx, built.taken);
      return { commit: true, value: undefined };
    });
    return { kind: 'built', marks: built.taken.length, expanded, shards: held, commitToView, markToView, ...built.result };
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A connection that failed mid-pass is discarded: that also ends its session locks. So is one
    // whose unlock failed, or it would go back to the pool still holding a shard.
    if (broken === undefined) {
      try {
        for (const shard of held) await unlockShard(client, shard);
        if (swapLocked) await client.query('select pg_advisory_unlock_shared($1)', [VERSION_SWAP_LOCK]);
        if (upgradeLocked) await client.query(singleBuilderLock('pg_advisory_unlock_shared'), [SINGLE_BUILDER_LOCK]);
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
      }
    }
    client.release(broken);
  }
}

/** Runs passes until no mark waits (tests, and the one-event-per-transaction baseline); returns how many. */
export async function buildAllMarks(pool: Pool, limit: number, maxPasses = 1000): Promise<number> {
  for (let passes = 1; passes <= maxPasses; passes += 1) {
    const pass = await runViewBuilderPass(pool, limit);
    const idle = pass.kind === 'busy' || (pass.marks === 0 && pass.expanded === 0);
    if (idle && !(await hasPendingMarks(pool))) return passes;
    // Another member holds the shards that wait: give it time.
    if (idle) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`marks are left after ${maxPasses} view builder passes`);
}
