import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PIPELINE_ROLES } from '../../infra/db/pipelineRoles';
import { loadStackConfig } from '../../infra/stack/config';
import { nodeEntryArgs } from '../../infra/stack/nodeEntry';
import { loadStackSecrets } from '../../infra/stack/stackSecrets';
import type { Environment } from '../../infra/settings/settingSources';

const ROOT = path.resolve(__dirname, '..', '..');

function asWriter(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.username = PIPELINE_ROLES.writer.name;
  url.password = encodeURIComponent(loadStackSecrets(loadStackConfig().stateDir).roles.writer);
  return url.toString();
}

/**
 * The workload generator (services/workload) against a write database (given by any role's URL;
 * it runs as the write services' role, as production does), in its own process.
 * Resolves with its report when it ends (exit 1 means some commands were refused, which the report shows).
 */
export function runWorkload(
  writeUrl: string,
  inheritedEnv: Environment,
  args: readonly string[],
  { quiet = false }: { quiet?: boolean } = {},
): { readonly child: ChildProcess; readonly done: Promise<string> } {
  const child = spawn(process.execPath, nodeEntryArgs(ROOT, path.join('services', 'workload', 'main.ts'), ...args), {
    cwd: ROOT,
    env: { ...inheritedEnv, WRITER_DATABASE_URL: asWriter(writeUrl), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!quiet) process.stdout.write(chunk);
  });
  const done = new Promise<string>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 || code === 1 ? resolve(output) : reject(new Error(`workload exited ${code}`)))),
  );
  return { child, done };
}

/** Commands per second the workload's report says it sent. */
export function achievedRate(report: string): number {
  return Number(/commands in [\d.]+ s = ([\d.]+)\/s/.exec(report)?.[1] ?? Number.NaN);
}
