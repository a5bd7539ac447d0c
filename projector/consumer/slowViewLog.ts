import type { Logger } from 'pino';

export interface SlowViewLogOptions {
  readonly log: Logger;
  /** The alert CommitToViewP99High's threshold: a change that took longer to reach its view is logged. */
  readonly thresholdSeconds?: number;
  /** At most one line per view in this long, so a backlog being drained does not flood the log. */
  readonly everyMs?: number;
  readonly now?: () => number;
}

/**
 * The log side of `projector_commit_to_view_seconds{view}`: when a view shows a change more than
 * the threshold after its source commit, a warning with the same `view` label, the slowest
 * seconds and how many were slow since the last line. An operator paged by CommitToViewP99High
 * finds these lines by `view`.
 */
export function createSlowViewLog({ log, thresholdSeconds = 1, everyMs = 30_000, now = Date.now }: SlowViewLogOptions) {
  const pending = new Map<string, { slowest: number; slow: number }>();
  const lastLine = new Map<string, number>();

  return (view: string, seconds: number): void => {
    if (seconds <= thresholdSeconds) return;
    const seen = pending.get(view) ?? { slowest: 0, slow: 0 };
    const next = { slowest: Math.max(seen.slowest, seconds), slow: seen.slow + 1 };
    const at = now();
    if (at - (lastLine.get(view) ?? -Infinity) < everyMs) {
      pending.set(view, next);
      return;
    }
    lastLine.set(view, at);
    pending.delete(view);
    log.warn(
      { view, seconds: Number(next.slowest.toFixed(3)), slow: next.slow, threshold_seconds: thresholdSeconds },
      'commit to view slow',
    );
  };
}
