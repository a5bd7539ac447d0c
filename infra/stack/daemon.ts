import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A long-running process of the stack started in its own session, with its output in a log
 * file and its pid in a pid file, so that later commands (and later `npm` runs) find it again.
 */
export interface Daemon {
  readonly name: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** A string that appears in the process's command line; guards against a reused pid. */
  readonly marker: string;
}

export function createDaemon(name: string, runDir: string, logDir: string, marker: string): Daemon {
  return { name, pidFile: path.join(runDir, `${name}.pid`), logFile: path.join(logDir, `${name}.log`), marker };
}

export function runningPid(d: Daemon): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(d.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(d.marker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface StartOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the process (StackConfig.inheritedEnv plus its own settings). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export function startDaemon(d: Daemon, { command, args, env, cwd }: StartOptions): number {
  fs.mkdirSync(path.dirname(d.pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(d.logFile), { recursive: true });
  const out = fs.openSync(d.logFile, 'a');
  fs.writeSync(out, `\n==== ${new Date().toISOString()} starting ${d.name}: ${command} ${args.join(' ')}\n`);
  const child = spawn(command, [...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
  fs.closeSync(out);
  // A binary that cannot be run is reported through 'error'; unheard, that event would end this process.
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`${d.name} did not start: ${command} not found`);
  child.unref();
  fs.writeFileSync(d.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns whether a process was stopped. */
export async function stopDaemon(d: Daemon, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(d);
  if (pid === undefined) {
    fs.rmSync(d.pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  fs.rmSync(d.pidFile, { force: true });
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc tells it apart.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** The last lines of a log, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
