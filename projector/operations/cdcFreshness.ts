import type { Admin } from 'kafkajs';

/** The topic Debezium's heartbeats go to, every heartbeat.interval.ms while it streams. */
export const heartbeatTopic = (topicPrefix: string): string => `__debezium-heartbeat.${topicPrefix}`;

export interface HeartbeatAge {
  /** The smallest window (seconds) within which a heartbeat reached Kafka; null: none in the widest. */
  readonly withinSeconds: number | null;
  readonly windowSeconds: number;
}

/** The bounds the last heartbeat's age is placed within: one offsets-by-time request each, at most. */
const WINDOWS_S = [5, 10, 15, 30, 60, 300, 3600] as const;
const WIDEST_S = WINDOWS_S[WINDOWS_S.length - 1]!;

/**
 * How long ago Debezium's last heartbeat reached Kafka, as a bound, from Kafka alone: the offset
 * for a time is the end offset exactly when no record came since, so each window costs one
 * request. A connector that streams, busy or idle, heartbeats every few seconds; a stalled
 * connector or a lost replication slot stops the heartbeats with the data, which is how a "0
 * records behind" projector is told from one that is behind a silent source.
 *
 * Record times come from the Connect host's clock, `now` from ours. So that a clock ahead of
 * Connect's cannot report a silence that is not there, an age over `confirmAboveS` is only said
 * after the end offset has also stood still for `confirmMs` (two heartbeat intervals); if it
 * moved, a heartbeat came within that pause.
 */
export async function heartbeatAge(
  admin: Admin,
  topicPrefix: string,
  {
    confirmAboveS = 30,
    confirmMs = 11_000,
    now = Date.now(),
    pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: { confirmAboveS?: number; confirmMs?: number; now?: number; pause?: (ms: number) => Promise<void> } = {},
): Promise<HeartbeatAge> {
  const topic = heartbeatTopic(topicPrefix);
  // Asked first: an admin client that requested a missing topic's offsets keeps failing on it.
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`${topic} does not exist: the connector never streamed`);
  const ends = await endOffsets(admin, topic);
  let within: number | null = null;
  for (const window of WINDOWS_S) {
    const since = await admin.fetchTopicOffsetsByTimestamp(topic, now - window * 1000);
    if (since.some((s) => BigInt(s.offset) < (ends.get(s.partition) ?? 0n))) {
      within = window;
      break;
    }
  }
  if (within !== null && within <= confirmAboveS) return { withinSeconds: within, windowSeconds: WIDEST_S };
  await pause(confirmMs);
  const later = await endOffsets(admin, topic);
  if ([...later].some(([partition, end]) => end > (ends.get(partition) ?? 0n))) {
    return { withinSeconds: WINDOWS_S.find((w) => w * 1000 >= confirmMs) ?? WIDEST_S, windowSeconds: WIDEST_S };
  }
  return { withinSeconds: within, windowSeconds: WIDEST_S };
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
}
