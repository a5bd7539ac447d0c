import type { Pool } from 'pg';
import { inClientTransaction } from '../../infra/db/transaction';
import { buildViews, type BuildResult } from './buildViews';
import type { DirtyMark } from '../projection/dirtyMark';
import { clearBuiltMarks, oldestDirtyMarks } from './dirtyMarks';
import { VERSION_SWAP_LOCK } from './versionSwapLock';

// One builder at a time across all projector instances: view rows are then written by a single
// transaction at a time, reading committed ref_ rows, so no two builds of a row can interleave.
// A session lock (not a transaction lock) so that it is held before the pass's snapshot exists.
// Keyed by the schema too: a rebuild's version (projector/store/readVersions.ts) has a builder of its own.
const VIEW_BUILDER_LOCK = 7_245_003;

export type PassResult =
  | { readonly kind: 'busy' }
  | ({
      readonly kind: 'built';
      readonly marks: number;
      /** Per built mark that knows its source time: how long from that source commit to this pass's commit. */
      readonly commitToView: ReadonlyArray<{ readonly mark: DirtyMark['kind']; readonly seconds: number }>;
      /** Per built mark: how long from its marking (the batch's end) to this pass's commit. */
      readonly markToView: ReadonlyArray<{ readonly mark: DirtyMark['kind']; readonly seconds: number }>;
    } & BuildResult);

/**
 * Takes up to `limit` dirty marks (oldest first), rebuilds their view rows and clears the marks
 * it read, unless a batch marked them again meanwhile (their seq moved): then they stay.
 *
 * The build reads one snapshot (REPEATABLE READ): a row's stored unread count and the
 * last_message_seq it was counted up to must come from the same state, or counting on from
 * there would count some messages twice. Marks are cleared in a second transaction; a crash in
 * between only means the same rows are built again.
 */
export async function runViewBuilderPass(pool: Pool, limit: number): Promise<PassResult> {
  const client = await pool.connect();
  let locked = false;
  let swapLocked = false;
  let broken: Error | undefined;
  try {
    // Locked before the snapshot is taken, so a pass always sees the previous pass's rows.
    // The live version keeps the one-key lock earlier releases took, so that during a rolling
    // upgrade old and new members still build one at a time.
    const lock = await client.query<{ ok: boolean }>(
      `select case when current_schema() = 'public' then pg_try_advisory_lock($1) else pg_try_advisory_lock($1::int, hashtext(current_schema())) end as ok`,
      [VIEW_BUILDER_LOCK],
    );
    locked = lock.rows[0]?.ok === true;
    if (!locked) return { kind: 'busy' };
    // The whole pass (its build and its clearing of marks) in one version: a swap waits for it.
    await client.query('select pg_advisory_lock_shared($1)', [VERSION_SWAP_LOCK]);
    swapLocked = true;

    const built = await inClientTransaction(
      client,
      async (tx) => {
        const taken = await oldestDirtyMarks(tx, limit);
        const result =
          taken.length === 0
            ? { conversationRows: 0, conversationRowsChanged: 0, contactRows: 0 }
            : await buildViews(
                tx,
                taken.map((t) => t.mark),
              );
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
    await clearBuiltMarks(client, built.taken);
    return { kind: 'built', marks: built.taken.length, commitToView, markToView, ...built.result };
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    if (swapLocked && broken === undefined)
      await client.query('select pg_advisory_unlock_shared($1)', [VERSION_SWAP_LOCK]).catch(() => undefined);
    if (locked && broken === undefined)
      await client
        .query(
          `select case when current_schema() = 'public' then pg_advisory_unlock($1) else pg_advisory_unlock($1::int, hashtext(current_schema())) end`,
          [VIEW_BUILDER_LOCK],
        )
        .catch(() => undefined);
    // A connection that failed mid-pass is discarded: that also ends its session lock.
    client.release(broken);
  }
}
