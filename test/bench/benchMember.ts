import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Environment } from '../../infra/settings/settingSources';
import { startProjectorProcess } from '../support/projectorProcess';

/** Sum and count of one histogram of a Prometheus text exposition, over all its label sets. */
export function histogramTotals(text: string, name: string): { readonly sum: number; readonly count: number } {
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const [series, value] = line.split(' ');
    if (series === undefined || value === undefined) continue;
    if (series.startsWith(`${name}_sum`)) sum += Number(value);
    else if (series.startsWith(`${name}_count`)) count += Number(value);
  }
  return { sum, count };
}

/** A counter of a Prometheus text exposition, summed over its label sets. */
export function counterTotal(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * A projector member as users run it (test/support/projectorProcess.ts), for benchmarks: its
 * metrics on a port of its own, its peak resident memory read from the kernel before it stops.
 */
export function startBenchMember(env: Environment, metricsPort: number) {
  const definedEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const { child, logFile, exited } = startProjectorProcess({ ...definedEnv, METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' });
  return {
    logFile,
    async metrics(): Promise<string> {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      return response.text();
    },
    /** CPU time the process has used so far (user + system), in seconds. */
    cpuSeconds(): number {
      // /proc/<pid>/stat: utime and stime are the 14th and 15th fields, in clock ticks, after the
      // command name in parentheses (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    /** VmHWM: the most memory the process has held resident, in MiB. */
    peakRssMib(): number {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type BenchMember = ReturnType<typeof startBenchMember>;
