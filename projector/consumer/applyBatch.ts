import type { Pool, PoolClient } from 'pg';
import type { ChangeEvent } from '../decode/changeEvent';
import { decodeChangeRecord } from '../decode/decodeChangeRecord';
import { DecodeError } from '../decode/decodeError';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from '../store/applyRefChanges';
import { advanceCheckpoint, type CheckpointRefusal, type PartitionClaim } from '../store/checkpoints';
import { isDataError } from '../store/databaseErrors';
import { recordDeadLetters, type DeadLetter } from '../store/deadLetters';

export interface SourceRecord {
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly SourceRecord[];
}

export type BatchOutcome =
  | {
      readonly kind: 'applied';
      readonly nextOffset: bigint;
      readonly events: readonly ChangeEvent[];
      readonly deadLetters: readonly DeadLetter[];
      /** Records below the checkpoint: applied before (redelivery after a crash or rebalance). */
      readonly alreadyApplied: number;
      readonly skipped: number;
    }
  | { readonly kind: 'nothing-new'; readonly alreadyApplied: number }
  /** The checkpoint is not where this member's claim says it is; nothing was written. */
  | { readonly kind: 'fenced'; readonly reason: CheckpointRefusal };

interface Decoded {
  readonly record: SourceRecord;
  readonly event: ChangeEvent;
}

/**
 * Applies one partition's batch in one transaction: reference rows, dirty marks, dead letters
 * and the checkpoint commit together or not at all. Transient database errors are thrown for the
 * caller to retry; an event the store refuses is isolated and dead-lettered.
 */
export async function applyBatch(pool: Pool, group: string, claim: PartitionClaim, batch: PartitionBatch): Promise<BatchOutcome> {
  const fresh = batch.records.filter((r) => r.offset >= claim.nextOffset);
  const alreadyApplied = batch.records.length - fresh.length;
  const last = fresh[fresh.length - 1];
  if (last === undefined) return { kind: 'nothing-new', alreadyApplied };

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
  const tx = await pool.connect();
  try {
    await tx.query('begin');
    try {
      await applyRefChanges(tx, refChangesForBatch(decoded.map((d) => d.event)));
    } catch (error) {
      if (!isDataError(error)) throw error;
      await tx.query('rollback');
      await tx.query('begin');
      deadLetters.push(...(await applyOneByOne(tx, batch, decoded)));
    }
    await recordDeadLetters(tx, group, deadLetters);
    const nextOffset = last.offset + 1n;
    const advance = await advanceCheckpoint(tx, group, claim, nextOffset, lastSourceTsMs);
    if (advance.kind === 'refused') {
      await tx.query('rollback');
      return { kind: 'fenced', reason: advance.reason };
    }
    await tx.query('commit');
    const refused = new Set(deadLetters.map((d) => d.offset));
    return {
      kind: 'applied',
      nextOffset,
      events: decoded.filter((d) => !refused.has(d.record.offset)).map((d) => d.event),
      deadLetters,
      alreadyApplied,
      skipped,
    };
  } catch (error) {
    await tx.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}

/** Finds the events the store refuses, each behind a savepoint; the others are applied. */
async function applyOneByOne(tx: PoolClient, batch: PartitionBatch, decoded: readonly Decoded[]): Promise<DeadLetter[]> {
  const refused: DeadLetter[] = [];
  for (const d of decoded) {
    await tx.query('savepoint one_event');
    try {
      await applyRefChanges(tx, refChangesForBatch([d.event]));
      await tx.query('release savepoint one_event');
    } catch (error) {
      if (!isDataError(error)) throw error;
      await tx.query('rollback to savepoint one_event');
      refused.push(deadLetter(batch, d.record, (error as Error).message, 'apply'));
    }
  }
  return refused;
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
