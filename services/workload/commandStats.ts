/** What the workload saw per command: outcomes by status and reason, and latencies. */
export interface CommandOutcome {
  readonly command: string;
  /** HTTP status, or 0 when the request failed before an answer (network error). */
  readonly status: number;
  /** The API's machine-readable reason for a refusal. */
  readonly error?: string;
  readonly ms: number;
}

interface PerCommand {
  latencies: number[];
  byStatus: Map<number, number>;
  byError: Map<string, number>;
}

export interface CommandSummary {
  readonly command: string;
  readonly sent: number;
  readonly ok: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of sorted values (p in (0, 100]). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function createCommandStats() {
  const perCommand = new Map<string, PerCommand>();
  const all: number[] = [];
  let failures = 0;
  let sent = 0;
  let ok = 0;

  const summarize = (command: string, latencies: number[], byStatus: Map<number, number>): CommandSummary => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const count = (test: (status: number) => boolean) => [...byStatus].filter(([s]) => test(s)).reduce((sum, [, n]) => sum + n, 0);
    return {
      command,
      sent: latencies.length,
      ok: count((s) => s >= 200 && s < 300),
      clientErrors: count((s) => s >= 400 && s < 500),
      serverErrors: count((s) => s >= 500 || s === 0),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? 0,
    };
  };

  return {
    record({ command, status, error, ms }: CommandOutcome): void {
      let entry = perCommand.get(command);
      if (entry === undefined) {
        entry = { latencies: [], byStatus: new Map(), byError: new Map() };
        perCommand.set(command, entry);
      }
      entry.latencies.push(ms);
      entry.byStatus.set(status, (entry.byStatus.get(status) ?? 0) + 1);
      if (status < 200 || status >= 300) {
        const reason = `${status} ${error ?? (status === 0 ? 'network_error' : 'unknown')}`;
        entry.byError.set(reason, (entry.byError.get(reason) ?? 0) + 1);
      }
      all.push(ms);
      sent += 1;
      if (status >= 200 && status < 300) ok += 1;
      if (status >= 500 || status === 0) failures += 1;
    },
    totals: () => ({ sent, ok, failures }),
    perCommand(): CommandSummary[] {
      return [...perCommand].map(([command, e]) => summarize(command, e.latencies, e.byStatus)).sort((a, b) => b.sent - a.sent);
    },
    overall(): CommandSummary {
      const byStatus = new Map<number, number>();
      for (const e of perCommand.values()) for (const [s, n] of e.byStatus) byStatus.set(s, (byStatus.get(s) ?? 0) + n);
      return summarize('all commands', all, byStatus);
    },
    /** Refusals and failures as "status reason" → count, per command. */
    errors(): { command: string; reason: string; count: number }[] {
      return [...perCommand]
        .flatMap(([command, e]) => [...e.byError].map(([reason, count]) => ({ command, reason, count })))
        .sort((a, b) => b.count - a.count);
    },
  };
}

export type CommandStats = ReturnType<typeof createCommandStats>;
