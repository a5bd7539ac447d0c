import type { Pool, PoolClient } from 'pg';

export interface PartitionClaim {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to apply; everything before it is already in the views. */
  readonly nextOffset: bigint;
  /** This member's fencing token for the partition. */
  readonly epoch: bigint;
}

/**
 * Takes ownership of a partition's checkpoint: bumps its epoch, so a member that lost the
 * partition (and still holds the old epoch) can no longer commit a batch for it.
 */
export async function claimPartition(pool: Pool, group: string, member: string, topic: string, partition: number): Promise<PartitionClaim> {
  const result = await pool.query<{ next_offset: string; owner_epoch: string }>(
    `insert into projection_checkpoints (consumer_group, topic, partition, owner_epoch, owner_member)
     values ($1, $2, $3, 1, $4)
     on conflict (consumer_group, topic, partition)
       do update set owner_epoch = projection_checkpoints.owner_epoch + 1, owner_member = excluded.owner_member, updated_at = now()
     returning next_offset::text, owner_epoch::text`,
    [group, topic, partition, member],
  );
  const row = result.rows[0]!;
  return { topic, partition, nextOffset: BigInt(row.next_offset), epoch: BigInt(row.owner_epoch) };
}

/**
 * Moves the checkpoint inside the batch's transaction. False means the partition was claimed by
 * another member since (or the checkpoint is already past this batch): the batch must roll back.
 */
export async function advanceCheckpoint(
  tx: PoolClient,
  group: string,
  claim: PartitionClaim,
  nextOffset: bigint,
  lastSourceTsMs: number | null,
): Promise<boolean> {
  const result = await tx.query(
    `update projection_checkpoints
        set next_offset = $4, last_source_ts_ms = coalesce($6, last_source_ts_ms), updated_at = now()
      where consumer_group = $1 and topic = $2 and partition = $3 and owner_epoch = $5 and next_offset <= $4`,
    [group, claim.topic, claim.partition, nextOffset.toString(), claim.epoch.toString(), lastSourceTsMs],
  );
  return result.rowCount === 1;
}

/** Sets every checkpoint of the group back (replay); the next claim starts there. */
export async function resetCheckpoints(pool: Pool, group: string, topics: readonly string[], offset: bigint): Promise<number> {
  const result = await pool.query(
    `update projection_checkpoints set next_offset = $3, owner_epoch = owner_epoch + 1, updated_at = now()
      where consumer_group = $1 and topic = any($2::text[])`,
    [group, topics, offset.toString()],
  );
  return result.rowCount ?? 0;
}
