import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ChangeSource, TopicPartition } from '../source/changeSource';
import { claimPartition, type PartitionClaim } from '../store/checkpoints';

const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;

export interface PartitionClaimsOptions {
  readonly pool: Pool;
  readonly source: ChangeSource;
  readonly groupId: string;
  readonly memberName: string;
  readonly logger: Logger;
  /** Runs a database call with the caller's retry policy. */
  readonly withRetry: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * This member's claims on its partitions' checkpoints. A partition is claimed when assigned
 * and the source is moved to its checkpoint (the database, not Kafka, says where the views
 * stand). A checkpoint moved by an operator (replay) bumps its epoch: `refresh` notices, claims
 * again and seeks there, so a replay needs no restart.
 */
export function partitionClaims({ pool, source, groupId, memberName, logger, withRetry }: PartitionClaimsOptions) {
  const claims = new Map<string, Promise<PartitionClaim>>();

  function claimAndSeek(tp: TopicPartition): Promise<PartitionClaim> {
    const claimed = withRetry(() => claimPartition(pool, groupId, memberName, tp.topic, tp.partition)).then((claim) => {
      source.seek(tp, claim.nextOffset);
      logger.info({ ...tp, nextOffset: claim.nextOffset.toString(), epoch: claim.epoch.toString() }, 'partition claimed');
      return claim;
    });
    claims.set(key(tp), claimed);
    claimed.catch(() => claims.delete(key(tp)));
    return claimed;
  }

  return {
    /** The current claim, made now if there is none (one claim at a time per partition). */
    get(tp: TopicPartition): Promise<PartitionClaim> {
      return claims.get(key(tp)) ?? claimAndSeek(tp);
    },
    advance(tp: TopicPartition, claim: PartitionClaim): void {
      claims.set(key(tp), Promise.resolve(claim));
    },
    drop(tp: TopicPartition): void {
      claims.delete(key(tp));
    },
    /**
     * Claims every assigned partition again, even one held before the rebalance: while this
     * member was away another may have claimed it, and an old claim would only be fenced.
     */
    async assigned(partitions: readonly TopicPartition[]): Promise<void> {
      await Promise.all(partitions.map(claimAndSeek));
    },
    /** A fenced claim: claimed again (and the source moved to the checkpoint). */
    reclaim(tp: TopicPartition): Promise<PartitionClaim> {
      return claimAndSeek(tp);
    },
    revoked(partitions: readonly TopicPartition[]): void {
      for (const tp of partitions) claims.delete(key(tp));
    },
    /** Claims again, and seeks, every partition whose checkpoint an operator moved. */
    async refresh(): Promise<void> {
      const held = await Promise.all(
        [...claims.values()].map((c) => c.then((claim) => claim, () => undefined)),
      );
      const mine = held.filter((c): c is PartitionClaim => c !== undefined);
      if (mine.length === 0) return;
      const { rows } = await pool.query<{ topic: string; partition: number; owner_epoch: string; owner_member: string | null }>(
        `select c.topic, c.partition, c.owner_epoch::text, c.owner_member from projection_checkpoints c
           join unnest($2::text[], $3::int[]) k(topic, partition) on c.topic = k.topic and c.partition = k.partition
          where c.consumer_group = $1`,
        [groupId, mine.map((c) => c.topic), mine.map((c) => c.partition)],
      );
      for (const row of rows) {
        const claim = mine.find((c) => c.topic === row.topic && c.partition === row.partition);
        if (claim === undefined || BigInt(row.owner_epoch) === claim.epoch || row.owner_member !== memberName) continue;
        logger.info({ topic: row.topic, partition: row.partition }, 'checkpoint moved; claiming again');
        await claimAndSeek({ topic: row.topic, partition: row.partition });
      }
    },
  };
}

export type PartitionClaims = ReturnType<typeof partitionClaims>;
