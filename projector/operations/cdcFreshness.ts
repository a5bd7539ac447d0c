import type { Admin } from 'kafkajs';

/** The topic Debezium's heartbeats go to, every heartbeat.interval.ms while it streams. */
export const heartbeatTopic = (topicPrefix: string): string => `__debezium-heartbeat.${topicPrefix}`;

export type CdcFreshness =
  | { readonly kind: 'streaming' }
  /** No heartbeat reached Kafka within the window: nothing new can reach the views. */
  | { readonly kind: 'silent'; readonly windowMs: number }
  /** The heartbeat topic does not exist (yet): the connector never streamed. */
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Whether CDC is streaming, seen from Kafka alone: has a heartbeat been written within the last
 * `windowMs`? Kafka's offsets for a time answer it in one request (the offset for `now -
 * window` is the end offset exactly when no record came since). A projector that is "0 events
 * behind" is behind nothing only if this says streaming: a stalled connector or a lost
 * replication slot stops the heartbeats with the data.
 *
 * Record times come from the Connect host's clock, this one from ours. So that a clock ahead of
 * Connect's cannot raise a false alarm, "silent" is only said after the end offset has also
 * stood still for `confirmMs` (two heartbeat intervals).
 */
export async function cdcFreshness(
  admin: Admin,
  topicPrefix: string,
  {
    windowMs,
    confirmMs = 11_000,
    now = Date.now(),
    pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: { windowMs: number; confirmMs?: number; now?: number; pause?: (ms: number) => Promise<void> },
): Promise<CdcFreshness> {
  const topic = heartbeatTopic(topicPrefix);
  try {
    // Asked first: an admin client that requested a missing topic's offsets keeps failing on it.
    if (!(await admin.listTopics()).includes(topic))
      return { kind: 'unknown', reason: `${topic} does not exist: the connector never streamed` };
    const ends = await endOffsets(admin, topic);
    const since = await admin.fetchTopicOffsetsByTimestamp(topic, now - windowMs);
    if (since.some((s) => BigInt(s.offset) < (ends.get(s.partition) ?? 0n))) return { kind: 'streaming' };
    await pause(confirmMs);
    const later = await endOffsets(admin, topic);
    if ([...later].some(([partition, end]) => end > (ends.get(partition) ?? 0n))) return { kind: 'streaming' };
    return { kind: 'silent', windowMs };
  } catch (error) {
    return { kind: 'unknown', reason: `${topic}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
}
