import { spawn } from 'node:child_process';
import path from 'node:path';
import { nodeEntryArgs } from '../../infra/stack/nodeEntry';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One of the project's commands as a user runs it (its entry under node with tsx's loader), with its output and exit code. */
export function runCli(entry: string, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<CliRun> {
  return startCli(entry, args, env).done;
}

/**
 * The same, started: `onStdout` sees the output as it comes, `kill` signals the command and the
 * processes it started (to kill it at a chosen point), and `done` resolves when it ends.
 */
export function startCli(
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  onStdout: (soFar: string) => void = () => undefined,
): { readonly kill: (signal: NodeJS.Signals) => void; readonly done: Promise<CliRun> } {
  // node with tsx's loader, not the tsx command: that one runs the command in a child process and
  // relays signals to it with a 30 ms grace, after which it kills it (exit 130) on a busy machine.
  // Its own process group, so that a kill reaches whatever the command started.
  const child = spawn(process.execPath, nodeEntryArgs(ROOT, entry, ...args), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  };
  const done = new Promise<CliRun>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onStdout(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return { kill, done };
}
