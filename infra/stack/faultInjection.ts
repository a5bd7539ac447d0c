import type { LocalStack } from './localStack';
import { runningPid, stopDaemon, type Daemon } from './daemon';

/** The failures the pipeline must survive with nobody touching anything (and `chaos` injects). */
export const FAULTS = ['kafka-kill', 'kafka-restart', 'connect-kill', 'postgres-crash', 'projector-kill'] as const;
export type Fault = (typeof FAULTS)[number];

export const FAULT_PART: Readonly<Record<Fault, 'kafka' | 'connect' | 'postgres' | 'projector'>> = {
  'kafka-kill': 'kafka',
  'kafka-restart': 'kafka',
  'connect-kill': 'connect',
  'postgres-crash': 'postgres',
  'projector-kill': 'projector',
};

/**
 * Breaks one part of a running stack the way the world does: SIGKILL of a process, a clean
 * stop of the broker, an immediate (crash) stop of PostgreSQL. Nothing is started again here:
 * bringing parts back is the supervisor's job. Returns the pid that was stopped, if any.
 */
export async function injectFault(
  stack: Pick<LocalStack, 'kafka' | 'connect' | 'postgres' | 'apps'>,
  fault: Fault,
): Promise<number | undefined> {
  switch (fault) {
    case 'kafka-kill':
      return kill(stack.kafka.daemon);
    case 'kafka-restart': {
      const pid = runningPid(stack.kafka.daemon);
      await stopDaemon(stack.kafka.daemon, 60_000);
      return pid;
    }
    case 'connect-kill':
      return kill(stack.connect.daemon);
    case 'postgres-crash':
      return stack.postgres.crash() ? -1 : undefined;
    case 'projector-kill':
      return kill(stack.apps.projector);
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

/** SIGKILL, leaving the pid file behind as a crash does (so the supervisor knows it died). */
function kill(d: Daemon): number | undefined {
  const pid = runningPid(d);
  if (pid !== undefined) process.kill(pid, 'SIGKILL');
  return pid;
}
