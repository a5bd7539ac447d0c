import type { CommandSummary } from './commandStats';
import type { WorkloadResult } from './workloadRunner';

const ms = (value: number) => value.toFixed(1);

function table(rows: readonly CommandSummary[]): string {
  const header = ['command', 'sent', 'ok', '4xx', '5xx/net', 'p50 ms', 'p99 ms', 'max ms'];
  const lines = rows.map((r) =>
    [r.command, r.sent, r.ok, r.clientErrors, r.serverErrors, ms(r.p50Ms), ms(r.p99Ms), ms(r.maxMs)].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

/** The end-of-run summary: per-command counts and latencies, refusals by reason, the world built. */
export function workloadReport(result: WorkloadResult, context: { seed: number; rate: number; target: string }): string {
  const { stats, model } = result;
  const overall = stats.overall();
  const errors = stats.errors();
  const world = model.describe();
  return [
    '',
    `workload against ${context.target}, seed ${context.seed}`,
    `${overall.sent} commands in ${result.elapsedSeconds.toFixed(1)} s = ${(overall.sent / result.elapsedSeconds).toFixed(1)}/s (target ${context.rate}/s)` +
      `; skipped slots: ${result.idleSlots} idle, ${result.lateSlots} late`,
    '',
    table([...stats.perCommand(), overall]),
    '',
    errors.length === 0 ? 'no refusals or failures' : 'refusals and failures (status reason: count):',
    ...errors.slice(0, 25).map((e) => `  ${e.command.padEnd(18)} ${e.reason.padEnd(36)} ${e.count}`),
    '',
    `world built: ${world.users} users, ${world.friendships} friendships, ${world.directChannels} direct channels, ` +
      `${world.groups} groups (${world.dissolvedGroups} dissolved, largest ${world.largestGroup} members), ${world.messages} messages`,
    `latency, all commands: median ${ms(overall.p50Ms)} ms, p99 ${ms(overall.p99Ms)} ms`,
  ].join('\n');
}
