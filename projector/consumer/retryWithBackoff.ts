import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable } from '../../infra/errors/isRetriable';

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Which errors are tried again; by default the retriable ones (isRetriable), the others are rethrown. */
  readonly retriable?: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Once aborted, the next failure is rethrown and a wait in progress ends. */
  readonly signal?: AbortSignal;
}

/** Runs `work` until it succeeds, waiting exponentially longer (with jitter) between failures. */
export async function retryWithBackoff<T>(work: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const { initialMs = 100, maxMs = 10_000, retriable = isRetriable, onRetry, signal } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!retriable(error) || signal?.aborted === true) throw error;
      const delayMs = Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    }
  }
}
