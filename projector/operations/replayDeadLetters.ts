import type { Pool } from 'pg';
import { decodeChangeRecord } from '../decode/decodeChangeRecord';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from '../store/applyRefChanges';

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
  const { rows } = await pool.query<{ id: string; topic: string; partition: number; offset: string; message_key: Buffer | null; raw_value: Buffer | null }>(
    `select id::text, topic, partition, "offset"::text, message_key, raw_value from projection_dead_letters
      where replayed_at is null and ($1::bigint[] is null or id = any($1::bigint[])) order by id`,
    [ids === 'all' ? null : ids.map(String)],
  );
  const outcomes: ReplayOutcome[] = [];
  for (const letter of rows) {
    const position = { topic: letter.topic, partition: letter.partition, offset: letter.offset };
    const label = `${letter.topic}/${letter.partition}@${letter.offset}`;
    const client = await pool.connect();
    try {
      await client.query('begin');
      const decoded = decodeChangeRecord(position, {
        key: letter.message_key,
        value: letter.raw_value,
      });
      if (decoded.kind === 'change') await applyRefChanges(client, refChangesForBatch([decoded.event]));
      await client.query('update projection_dead_letters set replayed_at = now() where id = $1', [letter.id]);
      await client.query('commit');
      outcomes.push({ id: BigInt(letter.id), position: label, result: decoded.kind === 'change' ? 'applied' : 'skipped' });
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      outcomes.push({ id: BigInt(letter.id), position: label, result: 'failed', error: (error as Error).message });
    } finally {
      client.release();
    }
  }
  return outcomes;
}
