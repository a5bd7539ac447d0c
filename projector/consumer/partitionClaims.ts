import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ChangeSource, TopicPartition } from '../source/changeSource';
import { claimPartition, readCheckpoints, type PartitionClaim } from '../store/checkpoints';

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
export function createPartitionClaims({ pool, source, groupId, memberName, logger, withRetry }: PartitionClaimsOptions) {
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
    /**
     * Claims again, and seeks, every partition whose checkpoint moved under this member: an
     * operator's replay (a new epoch), a swap of read-side versions (a new epoch and no owner:
     * the new version's checkpoints), or a read database that came back without its last
     * commits (the stored offset is behind the claim). The second needs this check because
     * nothing else would notice it on a partition that receives no more records.
     */
    async refresh(): Promise<void> {
      const held = await Promise.all(
        [...claims.values()].map((c) =>
          c.then(
            (claim) => claim,
            () => undefined,
          ),
        ),
      );
      const mine = held.filter((c): c is PartitionClaim => c !== undefined);
      if (mine.length === 0) return;
      const stored = await readCheckpoints(pool, groupId, mine);
      for (const claim of mine) {
        const row = stored.find((r) => r.topic === claim.topic && r.partition === claim.partition);
        // Claims commit durably, so a missing row or an older epoch should not happen; if a
        // restore from backup makes one, the claim is made again rather than trusted.
        const reason =
          row === undefined
            ? 'checkpoint missing'
            : row.epoch < claim.epoch
              ? 'checkpoint older than the claim'
              : row.ownerMember !== null && row.ownerMember !== memberName
                ? undefined // claimed by another member: its next batch is refused
                : row.epoch !== claim.epoch
                  ? // No owner: a rebuild's swap (or rollback) handed these checkpoints over.
                    row.ownerMember === null
                    ? 'handed over by a version swap'
                    : 'epoch changed'
                  : row.nextOffset < claim.nextOffset
                    ? 'offset behind claim'
                    : undefined;
        if (reason === undefined) continue;
        logger.warn(
          {
            topic: claim.topic,
            partition: claim.partition,
            reason,
            stored: row?.nextOffset.toString(),
            claimed: claim.nextOffset.toString(),
          },
          'checkpoint moved; claiming again',
        );
        await claimAndSeek({ topic: claim.topic, partition: claim.partition });
      }
    },
  };
}

export type PartitionClaims = ReturnType<typeof createPartitionClaims>;
