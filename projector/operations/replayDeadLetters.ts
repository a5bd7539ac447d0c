import { holdVersionSwapLock } from '../store/versionSwapLock';
import type { Pool } from 'pg';
import { decodeChangeRecord } from '../decode/decodeChangeRecord';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from '../store/applyRefChanges';
import { markReplayed, unreplayedDeadLetters } from '../store/deadLetters';
import { isTransientDatabaseError } from '../../infra/db/databaseErrors';
import { inTransaction } from '../../infra/db/transaction';

export interface ReplayOutcome {
  readonly id: bigint;
  readonly position: string;
  readonly result: 'applied' | 'skipped' | 'failed';
  readonly error?: string;
}

/**
 * Applies stored dead letters again (after the cause was fixed: a decoder change, a repaired
 * value). Each goes through the same decode and reference-row path as a live batch, in its own
 * transaction with the replayed mark, so a replayed letter is never applied twice; the version
 * guards make applying an old change harmless. The view builder picks up the marks.
 */
export async function replayDeadLetters(pool: Pool, ids: readonly bigint[] | 'all'): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const letter of await unreplayedDeadLetters(pool, ids)) {
    const position = { topic: letter.topic, partition: letter.partition, offset: letter.offset.toString() };
    const label = `${letter.topic}/${letter.partition}@${letter.offset}`;
    try {
      const applied = await inTransaction(pool, async (tx) => {
        await holdVersionSwapLock(tx);
        const decoded = decodeChangeRecord(position, { key: letter.key, value: letter.value });
        // No source time: a replayed letter's commit→view time would only say how old the letter is.
        if (decoded.kind === 'change') await applyRefChanges(tx, refChangesForBatch([decoded.event]));
        await markReplayed(tx, letter.id);
        return { commit: true, value: decoded.kind === 'change' };
      });
      outcomes.push({ id: letter.id, position: label, result: applied ? 'applied' : 'skipped' });
    } catch (error) {
      // The database went away: stop here rather than fail every remaining letter the same way.
      if (isTransientDatabaseError(error)) throw error;
      outcomes.push({ id: letter.id, position: label, result: 'failed', error: (error as Error).message });
    }
  }
  return outcomes;
}
