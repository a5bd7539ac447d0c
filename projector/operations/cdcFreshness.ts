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
 */
export async function cdcFreshness(admin: Admin, topicPrefix: string, windowMs: number, now = Date.now()): Promise<CdcFreshness> {
  const topic = heartbeatTopic(topicPrefix);
  let ends: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } catch (error) {
    return { kind: 'unknown', reason: `${topic}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const since = await admin.fetchTopicOffsetsByTimestamp(topic, now - windowMs);
  const recent = since.some((s) => BigInt(s.offset) < BigInt(ends.find((e) => e.partition === s.partition)?.high ?? s.offset));
  return recent ? { kind: 'streaming' } : { kind: 'silent', windowMs };
}
