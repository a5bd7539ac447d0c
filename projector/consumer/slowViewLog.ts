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
 * seconds and how many were slow since the last line. Slow changes within `everyMs` of a line
 * are held back and written with the next change of that view once the interval is over. An operator paged by CommitToViewP99High
 * finds these lines by `view`.
 */
export function createSlowViewLog({ log, thresholdSeconds = 1, everyMs = 30_000, now = Date.now }: SlowViewLogOptions) {
  const pending = new Map<string, { slowest: number; slow: number }>();
  const lastLine = new Map<string, number>();

  return (view: string, seconds: number): void => {
    const seen = pending.get(view);
    if (seconds <= thresholdSeconds && seen === undefined) return;
    const next =
      seconds > thresholdSeconds
        ? { slowest: Math.max(seen?.slowest ?? 0, seconds), slow: (seen?.slow ?? 0) + 1 }
        : (seen ?? { slowest: 0, slow: 0 });
    const at = now();
    if (at - (lastLine.get(view) ?? -Infinity) < everyMs) {
      pending.set(view, next);
      return;
    }
    // Also on a change that was fast: what a burst held back is written once its interval is over.
    lastLine.set(view, at);
    pending.delete(view);
    log.warn(
      { view, seconds: Number(next.slowest.toFixed(3)), slow: next.slow, threshold_seconds: thresholdSeconds },
      'commit to view slow',
    );
  };
}
