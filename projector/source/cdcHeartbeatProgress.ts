/** One look at the heartbeat topic: its end offset per partition, or why there is none. */
export type HeartbeatEndOffsetsReading =
  { readonly kind: 'offsets'; readonly ends: ReadonlyMap<number, bigint> } | { readonly kind: 'unavailable'; readonly reason: string };

/** Whether CDC streams, as one member sees the heartbeat topic's end offset move. */
export type CdcHeartbeatState =
  | { readonly kind: 'streaming'; readonly ageMs: number }
  /** The end offset stood still for longer than the threshold: nothing new reaches the views. */
  | { readonly kind: 'silent'; readonly ageMs: number }
  | { readonly kind: 'unknown'; readonly reason: string };

/** What a watch remembers between readings. Times are this process's clock only. */
export interface HeartbeatProgress {
  readonly watchingSince: number;
  readonly lastAdvanceAt: number | null;
  readonly ends: ReadonlyMap<number, bigint> | null;
  /** Why the latest reading failed; null once one succeeds. */
  readonly unavailable: string | null;
}

export const startHeartbeatProgress = (at: number): HeartbeatProgress => ({
  watchingSince: at,
  lastAdvanceAt: null,
  ends: null,
  unavailable: null,
});

/**
 * The progress after a reading taken at `at`. The first offsets read are only a baseline: an end
 * offset seen once says nothing about when it was written. An end lower than before (the topic
 * was made again) becomes the new baseline without counting as an advance.
 */
export function observeHeartbeatEndOffsets(
  progress: HeartbeatProgress,
  reading: HeartbeatEndOffsetsReading,
  at: number,
): HeartbeatProgress {
  if (reading.kind === 'unavailable') return { ...progress, unavailable: reading.reason };
  const before = progress.ends;
  const advanced = before !== null && [...reading.ends].some(([partition, end]) => end > (before.get(partition) ?? 0n));
  return { ...progress, ends: reading.ends, unavailable: null, lastAdvanceAt: advanced ? at : progress.lastAdvanceAt };
}

/** Time since the end offset last advanced, or since watching began if it never did. */
export const heartbeatAgeMs = (progress: HeartbeatProgress, now: number): number =>
  now - (progress.lastAdvanceAt ?? progress.watchingSince);

export function cdcHeartbeatState(progress: HeartbeatProgress, now: number, silentAfterMs: number): CdcHeartbeatState {
  if (progress.unavailable !== null) return { kind: 'unknown', reason: progress.unavailable };
  if (progress.ends === null) return { kind: 'unknown', reason: 'the heartbeat topic has not been read yet' };
  const ageMs = heartbeatAgeMs(progress, now);
  if (ageMs > silentAfterMs) return { kind: 'silent', ageMs };
  if (progress.lastAdvanceAt === null) {
    return { kind: 'unknown', reason: `no Debezium heartbeat seen yet (watching for ${Math.round(ageMs / 1000)} s)` };
  }
  return { kind: 'streaming', ageMs };
}
