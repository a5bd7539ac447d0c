/** One look at a rebuild's progress. */
export interface RebuildSample {
  readonly atMs: number;
  /** Records of the source topics applied to the new version, and how many the topics hold now. */
  readonly recordsDone: bigint;
  readonly recordsTotal: bigint;
  /** View keys the new version's builder has built, and how many marks wait. */
  readonly keysBuilt: number;
  readonly keysWaiting: number;
}

const BAR_WIDTH = 24;

/**
 * The progress line: a bar of records done out of the total, the rate since the previous sample,
 * an ETA at that rate, and the view keys built and waiting. The same text for a terminal (redrawn
 * in place) and for a log (one line per report).
 */
export function formatRebuildProgress(previous: RebuildSample, now: RebuildSample): string {
  const total = now.recordsTotal > 0n ? now.recordsTotal : 1n;
  const share = Number((now.recordsDone * 10_000n) / total) / 10_000;
  const filled = Math.min(BAR_WIDTH, Math.round(share * BAR_WIDTH));
  const seconds = Math.max(0.001, (now.atMs - previous.atMs) / 1000);
  const rate = Math.max(0, Number(now.recordsDone - previous.recordsDone) / seconds);
  const left = now.recordsTotal > now.recordsDone ? Number(now.recordsTotal - now.recordsDone) : 0;
  const eta = left === 0 ? 'ETA 0s' : rate > 0 ? `ETA ${formatDuration(left / rate)}` : 'ETA ?';
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(1).padStart(5)}% ` +
    `${formatCount(now.recordsDone)}/${formatCount(now.recordsTotal)} records, ${formatCount(Math.round(rate))}/s, ${eta}; ` +
    `view keys ${formatCount(now.keysBuilt)} built, ${formatCount(now.keysWaiting)} waiting`
  );
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatCount(n: number | bigint): string {
  return n.toLocaleString('en-US');
}
