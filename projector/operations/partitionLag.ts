import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { checkpointsOfGroup } from '../store/checkpoints';
import { hasPendingMarks } from '../store/dirtyMarks';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's end offset (the next offset to be written). */
  readonly end: bigint;
  /** The projector's checkpoint: the next offset to apply (0 when never claimed). */
  readonly checkpoint: bigint;
  readonly lag: bigint;
  readonly owner: string | null;
  /** Source commit time of the last applied event, if any. */
  readonly lastSourceTsMs: number | null;
}

/** Per-partition lag of a group, from Kafka's end offsets and the checkpoints in im_read. */
export async function partitionLag(admin: Admin, pool: Pool, group: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const checkpoints = new Map((await checkpointsOfGroup(pool, group)).map((c) => [`${c.topic}/${c.partition}`, c]));
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const stored = checkpoints.get(`${topic}/${p.partition}`);
      const end = BigInt(p.high);
      const checkpoint = stored?.nextOffset ?? 0n;
      lags.push({
        topic,
        partition: p.partition,
        end,
        checkpoint,
        lag: end > checkpoint ? end - checkpoint : 0n,
        owner: stored?.ownerMember ?? null,
        lastSourceTsMs: stored?.lastSourceTsMs ?? null,
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Caught up: every partition applied to its end and no view row waiting to be built. */
export async function isCaughtUp(admin: Admin, pool: Pool, group: string, topics: readonly string[]): Promise<boolean> {
  const lags = await partitionLag(admin, pool, group, topics);
  if (lags.some((l) => l.lag > 0n)) return false;
  return !(await hasPendingMarks(pool));
}

/** The per-partition table `lag` prints. */
export function formatPartitionLag(lags: readonly PartitionLag[], now = Date.now()): string {
  const header = `${'topic'.padEnd(34)} ${'part'.padStart(4)} ${'end'.padStart(10)} ${'applied'.padStart(10)} ${'lag'.padStart(8)} ${'time lag'.padStart(10)}  owner`;
  const rows = lags.map((l) => {
    const timeLag = l.lastSourceTsMs === null ? '-' : `${((now - l.lastSourceTsMs) / 1000).toFixed(1)}s`;
    return `${l.topic.padEnd(34)} ${String(l.partition).padStart(4)} ${String(l.end).padStart(10)} ${String(l.checkpoint).padStart(10)} ${String(l.lag).padStart(8)} ${timeLag.padStart(10)}  ${l.owner ?? '-'}`;
  });
  return [header, ...rows].join('\n');
}

/** One partition's lag for --json: offsets as strings (they are int64). */
export function partitionLagJson(l: PartitionLag): Record<string, string | number | null> {
  return {
    topic: l.topic,
    partition: l.partition,
    end: String(l.end),
    applied: String(l.checkpoint),
    lag: String(l.lag),
    owner: l.owner,
    lastSourceTsMs: l.lastSourceTsMs,
  };
}
