import type { Admin } from 'kafkajs';
import type { PartitionExtent, ReplayPoint } from './replayPlan';

/** What each partition of `topics` holds, and for a time point the offsets at that time. */
export async function partitionExtents(admin: Admin, topics: readonly string[], point: ReplayPoint): Promise<PartitionExtent[]> {
  const asked = point.kind === 'offset' ? [point.topic] : topics;
  const extents: PartitionExtent[] = [];
  for (const topic of asked) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const atTime = point.kind === 'time' ? await admin.fetchTopicOffsetsByTimestamp(topic, point.at.getTime()) : [];
    for (const o of offsets) {
      const at = atTime.find((t) => t.partition === o.partition);
      extents.push({
        topic,
        partition: o.partition,
        low: BigInt(o.low),
        high: BigInt(o.high),
        ...(at === undefined ? {} : { atTime: BigInt(at.offset) }),
      });
    }
  }
  return extents.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
