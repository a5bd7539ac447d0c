import { holdVersionSwapLock } from '../store/versionSwapLock';
import type { Pool } from 'pg';
import { createChangeRecordDecoder, type ChangeRecordDecoder } from '../decode/changeRecordDecoder';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from '../store/applyRefChanges';
import { markReplayed, unreplayedDeadLetters } from '../store/deadLetters';
import { isRetriable } from '../../infra/errors/isRetriable';
import { inTransaction } from '../../infra/db/transaction';

export interface ReplayOutcome {
  readonly id: bigint;
  readonly position: string;
  readonly result: 'applied' | 'skipped' | 'failed';
  readonly error?: string;
}

/**
 * Applies stored dead letters again (after the cause was fixed: a decoder change, a repaired
 * value, a schema restored to the registry). Each goes through the same decode and reference-row
 * path as a live batch, in its own transaction with the replayed mark, so a replayed letter is
 * never applied twice; the version guards make applying an old change harmless. The view builder
 * picks up the marks.
 */
export async function replayDeadLetters(
  pool: Pool,
  ids: readonly bigint[] | 'all',
  decoder: ChangeRecordDecoder = createChangeRecordDecoder(),
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const letter of await unreplayedDeadLetters(pool, ids)) {
    const position = { topic: letter.topic, partition: letter.partition, offset: letter.offset.toString() };
    const label = `${letter.topic}/${letter.partition}@${letter.offset}`;
    try {
      const record = { key: letter.key, value: letter.value };
      const decodeChangeRecord = await decoder.forRecords([record]);
      const applied = await inTransaction(pool, async (tx) => {
        await holdVersionSwapLock(tx);
        const decoded = decodeChangeRecord(position, record);
        // No source time: a replayed letter's commit→view time would only say how old the letter is.
        if (decoded.kind === 'change') await applyRefChanges(tx, refChangesForBatch([decoded.event]));
        await markReplayed(tx, letter.id);
        return { commit: true, value: decoded.kind === 'change' };
      });
      outcomes.push({ id: letter.id, position: label, result: applied ? 'applied' : 'skipped' });
    } catch (error) {
      // The database (or the schema registry) went away: stop here rather than fail every
      // remaining letter the same way.
      if (isRetriable(error)) throw error;
      outcomes.push({ id: letter.id, position: label, result: 'failed', error: (error as Error).message });
    }
  }
  return outcomes;
}
