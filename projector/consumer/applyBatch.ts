import type { Pool } from 'pg';
import type { ChangeEvent } from '../decode/changeEvent';
import { createChangeRecordDecoder, type ChangeRecordDecoder } from '../decode/changeRecordDecoder';
import { DecodeError } from '../decode/decodeError';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from '../store/applyRefChanges';
import { advanceCheckpoint, type CheckpointRefusal, type PartitionClaim } from '../store/checkpoints';
import type { PartitionBatch, SourceRecord } from '../source/changeSource';
import { recordDeadLetters, type DeadLetter } from '../store/deadLetters';
import { UnavailableValueError } from '../store/unavailableValueError';
import { isDataError } from '../../infra/db/databaseErrors';
import { PipelineError } from '../../infra/errors/pipelineError';
import { holdVersionSwapLock } from '../store/versionSwapLock';
import { inTransaction, withSavepoint, type Transaction, type TransactionOutcome } from '../../infra/db/transaction';

export type BatchOutcome =
  | {
      readonly kind: 'applied';
      readonly nextOffset: bigint;
      readonly events: readonly ChangeEvent[];
      /** Per applied event whose record carries Kafka's time: its source commit time and that time. */
      readonly capture: ReadonlyArray<{ readonly sourceTsMs: number; readonly appendedMs: number }>;
      readonly deadLetters: readonly DeadLetter[];
      /** Records below the checkpoint: applied before (redelivery after a crash or rebalance). */
      readonly alreadyApplied: number;
      readonly skipped: number;
    }
  | { readonly kind: 'nothing-new'; readonly alreadyApplied: number }
  /** The checkpoint is not where this member's claim says it is; nothing was written. */
  | { readonly kind: 'fenced'; readonly reason: CheckpointRefusal };

/**
 * What an event that cannot be applied (undecodable, or refused by the store) does: it becomes a
 * dead letter and the partition goes on (the live projector), or the batch fails with an error
 * naming it and nothing of the batch commits (a rebuild, which must not swap in views that
 * silently miss an event, unless its operator asked for dead letters).
 */
export type UnappliablePolicy = 'dead-letter' | 'fail';

/** An event a rebuild cannot apply: not retriable, so the rebuild stops and names it. */
export class UnappliableEventError extends PipelineError {
  constructor(readonly letter: DeadLetter) {
    super(`cannot apply ${letter.topic}/${letter.partition}@${letter.offset} (${letter.errorKind}): ${letter.error}`, { retriable: false });
  }
}

interface Decoded {
  readonly record: SourceRecord;
  readonly event: ChangeEvent;
}

/**
 * Applies one partition's batch in one transaction: reference rows, dirty marks, dead letters
 * and the checkpoint commit together or not at all. Transient errors (the database's, a schema
 * registry that does not answer) are thrown for the caller to retry; an event the store refuses
 * is isolated and dead-lettered.
 */
export async function applyBatch(
  pool: Pool,
  group: string,
  claim: PartitionClaim,
  batch: PartitionBatch,
  {
    unappliable = 'dead-letter',
    decoder = createChangeRecordDecoder(),
  }: { unappliable?: UnappliablePolicy; decoder?: ChangeRecordDecoder } = {},
): Promise<BatchOutcome> {
  const fresh = batch.records.filter((r) => r.offset >= claim.nextOffset);
  const alreadyApplied = batch.records.length - fresh.length;
  const last = fresh[fresh.length - 1];
  if (last === undefined) return { kind: 'nothing-new', alreadyApplied };

  // Before any transaction: a registry that does not answer throws a retriable error here.
  const decodeChangeRecord = await decoder.forRecords(fresh);
  const decoded: Decoded[] = [];
  const deadLetters: DeadLetter[] = [];
  let skipped = 0;
  for (const record of fresh) {
    const position = { topic: batch.topic, partition: batch.partition, offset: record.offset.toString() };
    try {
      const result = decodeChangeRecord(position, record);
      if (result.kind === 'change') decoded.push({ record, event: result.event });
      else skipped += 1;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      deadLetters.push(deadLetter(batch, record, error.message, 'decode'));
    }
  }

  const lastSourceTsMs = decoded.length > 0 ? Math.max(...decoded.map((d) => d.event.source.tsMs)) : null;
  const earliestSourceTsMs = decoded.length > 0 ? Math.min(...decoded.map((d) => d.event.source.tsMs)) : null;
  const nextOffset = last.offset + 1n;
  /** The batch's writes after its reference rows: dead letters, then the fenced checkpoint. */
  async function commitWith(tx: Transaction, refused: readonly DeadLetter[]): Promise<TransactionOutcome<BatchOutcome>> {
    const letters = [...deadLetters, ...refused];
    const first = letters[0];
    if (unappliable === 'fail' && first !== undefined) throw new UnappliableEventError(first);
    await recordDeadLetters(tx, group, letters);
    const advance = await advanceCheckpoint(tx, group, claim, nextOffset, lastSourceTsMs);
    if (advance.kind === 'refused') return { commit: false, value: { kind: 'fenced', reason: advance.reason } };
    const refusedOffsets = new Set(refused.map((d) => d.offset));
    return {
      commit: true,
      value: {
        kind: 'applied',
        nextOffset,
        events: decoded.filter((d) => !refusedOffsets.has(d.record.offset)).map((d) => d.event),
        // Snapshot reads carry the read's time, not a commit's; Kafka says -1 for "no timestamp".
        capture: decoded.flatMap((d) =>
          refusedOffsets.has(d.record.offset) || d.event.source.snapshot || !((d.record.appendedMs ?? -1) > 0)
            ? []
            : [{ sourceTsMs: d.event.source.tsMs, appendedMs: d.record.appendedMs ?? 0 }],
        ),
        deadLetters: letters,
        alreadyApplied,
        skipped,
      },
    };
  }

  try {
    // The whole batch at once: the common case, one transaction and no savepoint.
    return await inTransaction(pool, async (tx) => {
      await holdVersionSwapLock(tx);
      await applyRefChanges(tx, refChangesForBatch(decoded.map((d) => d.event)), earliestSourceTsMs);
      return commitWith(tx, []);
    });
  } catch (error) {
    if (!isRefusedEvent(error)) throw error;
    // Some event's values are refused: again, event by event, to find and dead-letter them.
    return inTransaction(pool, async (tx) => {
      await holdVersionSwapLock(tx);
      return commitWith(tx, await applyOneByOne(tx, batch, decoded));
    });
  }
}

/** Finds the events the store refuses, each behind a savepoint; the others are applied. */
async function applyOneByOne(tx: Transaction, batch: PartitionBatch, decoded: readonly Decoded[]): Promise<DeadLetter[]> {
  const refused: DeadLetter[] = [];
  for (const d of decoded) {
    try {
      await withSavepoint(tx, 'one_event', () => applyRefChanges(tx, refChangesForBatch([d.event]), d.event.source.tsMs));
    } catch (error) {
      if (!isRefusedEvent(error)) throw error;
      refused.push(deadLetter(batch, d.record, (error as Error).message, 'apply'));
    }
  }
  return refused;
}

/**
 * An event whose values cannot be stored: PostgreSQL refuses them (a data error), or the store
 * does itself (a text Debezium did not send). Dead-lettered; any other error fails the batch.
 */
function isRefusedEvent(error: unknown): boolean {
  return error instanceof UnavailableValueError || isDataError(error);
}

function deadLetter(batch: PartitionBatch, record: SourceRecord, error: string, errorKind: DeadLetter['errorKind']): DeadLetter {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    error,
    errorKind,
  };
}
