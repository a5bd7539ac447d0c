import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineError } from '../errors/pipelineError';

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/** Thrown by a probe when waiting longer cannot help (the process died, a task failed). */
export class GiveUp extends PipelineError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * Polls `probe` until it returns a value other than undefined. Errors thrown by the probe count
 * as "not yet", except the project's own errors that say they are not retriable (GiveUp, a
 * connector that FAILED), which end the wait at once; the last one is reported if time runs out.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, { what, timeoutMs, intervalMs = 250 }: WaitOptions): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof PipelineError && !error.retriable) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}
