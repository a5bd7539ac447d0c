/**
 * Where a replay starts in each partition, planned from what the topics hold. Pure: the
 * offsets come from Kafka (replayPositions.ts), the checkpoints are moved by the store.
 */

export type ReplayPoint =
  /** Every record the topics hold. */
  | { readonly kind: 'beginning' }
  /** Every record at or after this time (Kafka's offsets for times: the record timestamps Connect wrote). */
  | { readonly kind: 'time'; readonly at: Date }
  /** One partition, from this offset. */
  | { readonly kind: 'offset'; readonly topic: string; readonly partition: number; readonly offset: bigint };

/** What one partition holds: its first retained offset, its end, and the first offset at the asked time. */
export interface PartitionExtent {
  readonly topic: string;
  readonly partition: number;
  /** The log start offset: records before it were deleted. */
  readonly low: bigint;
  /** The offset the next record will get. */
  readonly high: bigint;
  /** For a time point: the first offset whose record is at or after it (high when none is). */
  readonly atTime?: bigint;
}

export interface ReplayTarget {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export type ReplayPlan =
  | { readonly kind: 'planned'; readonly targets: readonly ReplayTarget[] }
  /** The history asked for is not in the topic any more: only a re-snapshot can bring it back. */
  | { readonly kind: 'history-gone'; readonly partitions: readonly PartitionExtent[] }
  | { readonly kind: 'invalid'; readonly reason: string };

export function planReplay(point: ReplayPoint, extents: readonly PartitionExtent[]): ReplayPlan {
  switch (point.kind) {
    case 'beginning': {
      const gone = extents.filter((e) => e.low > 0n);
      if (gone.length > 0) return { kind: 'history-gone', partitions: gone };
      return { kind: 'planned', targets: extents.map((e) => ({ topic: e.topic, partition: e.partition, offset: 0n })) };
    }
    case 'time': {
      // When records were deleted and the time's offset is the log start, the deleted records'
      // times are unknown: some may have been at or after the time. Refused either way, so a
      // replay never silently misses what it was asked for.
      const gone = extents.filter((e) => e.low > 0n && e.atTime !== undefined && e.atTime <= e.low);
      if (gone.length > 0) return { kind: 'history-gone', partitions: gone };
      return { kind: 'planned', targets: extents.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.atTime ?? e.high })) };
    }
    case 'offset': {
      const extent = extents.find((e) => e.topic === point.topic && e.partition === point.partition);
      if (extent === undefined) return { kind: 'invalid', reason: `${point.topic} has no partition ${point.partition}` };
      if (point.offset > extent.high) {
        return { kind: 'invalid', reason: `offset ${point.offset} is past the end of ${point.topic}/${point.partition} (${extent.high})` };
      }
      if (point.offset < extent.low) return { kind: 'history-gone', partitions: [extent] };
      return { kind: 'planned', targets: [{ topic: point.topic, partition: point.partition, offset: point.offset }] };
    }
    default: {
      const unreachable: never = point;
      throw new Error(`unknown replay point ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The operator's message for a plan that cannot run. */
export function historyGoneMessage(partitions: readonly PartitionExtent[]): string {
  const lines = partitions.map((p) => `  ${p.topic}/${p.partition}: records before offset ${p.low} were deleted (their times are unknown)`);
  return (
    `the topics no longer hold the history asked for:\n${lines.join('\n')}\n` +
    'replaying cannot bring deleted records back; re-snapshot the tables from the database instead ' +
    '(npm run stack -- resnapshot), or replay from a later point'
  );
}
