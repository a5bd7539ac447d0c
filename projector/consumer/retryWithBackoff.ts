import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Gives up (rethrows) when this returns false; by default every error is retried. */
  readonly retriable?: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal;
}

/** Runs `work` until it succeeds, waiting exponentially longer (with jitter) between failures. */
export async function retryWithBackoff<T>(work: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const { initialMs = 100, maxMs = 10_000, retriable = () => true, onRetry, signal } = options;
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
