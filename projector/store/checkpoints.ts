import type { Pool } from 'pg';
import { inTransaction, type Transaction } from '../../infra/db/transaction';
import { holdVersionSwapLock } from './versionSwapLock';

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
 *
 * The claim commits durably, unlike batches (the pool's sessions use asynchronous commit): a
 * read database that crashes and comes back without its last commits then still has this claim
 * and everything before it, so whatever it lost afterwards is a checkpoint behind this member's
 * claim, which the member notices (see partitionClaims.refresh), and never another member's name
 * on a partition this member goes on consuming.
 */
export async function claimPartition(pool: Pool, group: string, member: string, topic: string, partition: number): Promise<PartitionClaim> {
  const row = await inTransaction(
    pool,
    async (tx) => {
      await holdVersionSwapLock(tx);
      const result = await tx.query<{ next_offset: string; owner_epoch: string }>(
        `insert into projection_checkpoints (consumer_group, topic, partition, owner_epoch, owner_member)
         values ($1, $2, $3, 1, $4)
         on conflict (consumer_group, topic, partition)
           do update set owner_epoch = projection_checkpoints.owner_epoch + 1, owner_member = excluded.owner_member, updated_at = now()
         returning next_offset::text, owner_epoch::text`,
        [group, topic, partition, member],
      );
      return { commit: true, value: result.rows[0]! };
    },
    { durable: true },
  );
  return { topic, partition, nextOffset: BigInt(row.next_offset), epoch: BigInt(row.owner_epoch) };
}

/** Why a batch's checkpoint did not move; the batch must roll back and the partition be claimed again. */
export type CheckpointRefusal =
  /** Another member claimed the partition since, or an operator moved the checkpoint (replay). */
  | 'CLAIMED_ELSEWHERE'
  /**
   * The stored offset is not where this claim left it, under the same epoch: the read database
   * lost its last commits (a crash with asynchronous commit, a failover to a lagging standby).
   */
  | 'OFFSET_MOVED';

export type CheckpointAdvance = { readonly kind: 'advanced' } | { readonly kind: 'refused'; readonly reason: CheckpointRefusal };

/**
 * Moves the checkpoint inside the batch's transaction, from exactly where the claim says it
 * stands to `nextOffset`. Any other stored offset means the database and this member disagree
 * about what is applied: committing would skip (or repeat) records, so the move is refused.
 */
export async function advanceCheckpoint(
  tx: Transaction,
  group: string,
  claim: PartitionClaim,
  nextOffset: bigint,
  lastSourceTsMs: number | null,
): Promise<CheckpointAdvance> {
  const result = await tx.query<{ owner_epoch: string; next_offset: string }>(
    `with moved as (
       update projection_checkpoints
          set next_offset = $4, last_source_ts_ms = coalesce($7, last_source_ts_ms), updated_at = now()
        where consumer_group = $1 and topic = $2 and partition = $3 and owner_epoch = $5 and next_offset = $6
        returning 1)
     select owner_epoch::text, next_offset::text, exists (select from moved) as moved
       from projection_checkpoints where consumer_group = $1 and topic = $2 and partition = $3`,
    [group, claim.topic, claim.partition, nextOffset.toString(), claim.epoch.toString(), claim.nextOffset.toString(), lastSourceTsMs],
  );
  const row = result.rows[0] as { owner_epoch: string; moved: boolean } | undefined;
  if (row?.moved === true) return { kind: 'advanced' };
  return { kind: 'refused', reason: row !== undefined && BigInt(row.owner_epoch) === claim.epoch ? 'OFFSET_MOVED' : 'CLAIMED_ELSEWHERE' };
}

export interface StoredCheckpoint {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
  readonly epoch: bigint;
  readonly ownerMember: string | null;
}

interface CheckpointRecord {
  readonly topic: string;
  readonly partition: number;
  readonly next_offset: string;
  readonly owner_epoch: string;
  readonly owner_member: string | null;
}

const CHECKPOINT_COLUMNS = 'c.topic, c.partition, c.next_offset::text, c.owner_epoch::text, c.owner_member';

const storedCheckpointOf = (r: CheckpointRecord): StoredCheckpoint => ({
  topic: r.topic,
  partition: r.partition,
  nextOffset: BigInt(r.next_offset),
  epoch: BigInt(r.owner_epoch),
  ownerMember: r.owner_member,
});

/** Every stored checkpoint of a group, with the source time of its last applied event. */
export async function checkpointsOfGroup(
  pool: Pool,
  group: string,
): Promise<Array<StoredCheckpoint & { readonly lastSourceTsMs: number | null }>> {
  const { rows } = await pool.query<CheckpointRecord & { last_source_ts_ms: string | null }>(
    `select ${CHECKPOINT_COLUMNS}, c.last_source_ts_ms::text from projection_checkpoints c where c.consumer_group = $1`,
    [group],
  );
  return rows.map((r) => ({
    ...storedCheckpointOf(r),
    lastSourceTsMs: r.last_source_ts_ms === null ? null : Number(r.last_source_ts_ms),
  }));
}

/** The stored checkpoints of these partitions (one statement for all of them). */
export async function readCheckpoints(
  pool: Pool,
  group: string,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
): Promise<StoredCheckpoint[]> {
  const { rows } = await pool.query<CheckpointRecord>(
    `select ${CHECKPOINT_COLUMNS} from projection_checkpoints c
       join unnest($2::text[], $3::int[]) k(topic, partition) on c.topic = k.topic and c.partition = k.partition
      where c.consumer_group = $1`,
    [group, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
  );
  return rows.map(storedCheckpointOf);
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

/**
 * Moves checkpoints back to the given offsets, never forward (a replay must not skip), and
 * fences their current owners (a new epoch): each re-claims its partition and seeks there.
 * Returns the partitions moved; a partition already before its target, or never claimed (it
 * starts from its beginning anyway), is left as it is.
 */
export async function rewindCheckpoints(
  pool: Pool,
  group: string,
  targets: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly offset: bigint }>,
): Promise<Array<{ topic: string; partition: number; from: bigint; to: bigint }>> {
  if (targets.length === 0) return [];
  // Durable like a claim: a rewind the server lost in a crash would leave the owner going on
  // forward, and the replay the operator was told about would silently never happen.
  const rows = await inTransaction(
    pool,
    async (tx) => {
      await holdVersionSwapLock(tx);
      const moved = await tx.query<{ topic: string; partition: number; previous: string; next_offset: string }>(
        `with moved as (
       select c.topic, c.partition, c.next_offset as previous, t.next_offset as target
         from projection_checkpoints c
         join unnest($2::text[], $3::int[], $4::bigint[]) t(topic, partition, next_offset)
           on c.topic = t.topic and c.partition = t.partition
        where c.consumer_group = $1 and c.next_offset > t.next_offset
          for update of c
     )
     update projection_checkpoints c
        set next_offset = m.target, owner_epoch = c.owner_epoch + 1, updated_at = now()
       from moved m
      where c.consumer_group = $1 and c.topic = m.topic and c.partition = m.partition
      returning c.topic, c.partition, m.previous::text as previous, c.next_offset::text as next_offset`,
        [group, targets.map((t) => t.topic), targets.map((t) => t.partition), targets.map((t) => t.offset.toString())],
      );
      return { commit: true, value: moved.rows };
    },
    { durable: true },
  );
  return rows.map((r) => ({ topic: r.topic, partition: Number(r.partition), from: BigInt(r.previous), to: BigInt(r.next_offset) }));
}
