import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Where the stack keeps its state, and why there. */
export interface StateDirChoice {
  readonly stateDir: string;
  readonly why: 'STACK_DIR' | 'in the checkout' | "the checkout is out of the postgres user's reach";
}

/** Whether the `postgres` OS user can enter `dir` (and so every folder above it). */
export type PostgresCanEnter = (dir: string) => boolean;

const postgresCanEnter: PostgresCanEnter = (dir) => spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status === 0;

/** The folder used when the checkout's is out of reach: one per checkout, the same on every run. */
export function outsideStateDir(rootDir: string, base = '/var/lib/im-pipeline'): string {
  const id = createHash('sha256').update(rootDir).digest('hex').slice(0, 12);
  return path.join(base, `${path.basename(rootDir)}-${id}`);
}

/**
 * The stack's state folder. STACK_DIR wins; otherwise `infra/.local` in the checkout, unless the
 * stack runs as root and the `postgres` OS user, which PostgreSQL's server must run as, cannot
 * enter the checkout (a clone in root's home, mode 0700): then a folder of its own under
 * /var/lib, the same for this checkout on every run.
 */
export function chooseStateDir({
  rootDir,
  stackDir,
  asRoot = os.userInfo().uid === 0,
  canEnter = postgresCanEnter,
  outside = outsideStateDir(rootDir),
}: {
  readonly rootDir: string;
  readonly stackDir: string | undefined;
  readonly asRoot?: boolean;
  readonly canEnter?: PostgresCanEnter;
  readonly outside?: string;
}): StateDirChoice {
  if (stackDir !== undefined) return { stateDir: path.resolve(stackDir), why: 'STACK_DIR' };
  const inCheckout = path.join(rootDir, 'infra', '.local');
  if (!asRoot || canEnter(path.join(rootDir, 'infra'))) return { stateDir: inCheckout, why: 'in the checkout' };
  return { stateDir: outside, why: "the checkout is out of the postgres user's reach" };
}
