import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { isRetriable } from '../../infra/errors/isRetriable';
import { runViewBuilderPass, type PassResult } from '../store/viewBuilderPass';
import { retryWithBackoff } from './retryWithBackoff';

export interface ViewBuilderLoopOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly marksPerPass?: number;
  /** Passes run at once, each on its own connection and shards (viewBuilderPass.ts). */
  readonly workers?: number;
  /** How often to look for marks left by other instances (or a crash) when nothing wakes us. */
  readonly idleMs?: number;
  readonly onPass?: (pass: Extract<PassResult, { kind: 'built' }>, ms: number) => void;
  /** The loop stopped on an error it cannot retry; the process should exit. */
  readonly onFatal?: (error: Error) => void;
}

/**
 * Builds view rows from dirty marks, in passes, as long as there are marks; batches wake it
 * after each commit. `workers` passes run side by side, on different shards. Errors are retried
 * with backoff (a transient one silently, others logged).
 */
export function createViewBuilderLoop({
  pool,
  logger,
  marksPerPass = 5000,
  workers = 1,
  idleMs = 250,
  onPass,
  onFatal,
}: ViewBuilderLoopOptions) {
  const log = logger.child({ component: 'view-builder' });
  let running = false;
  const sleepers = new Set<() => void>();
  let done: Promise<void> = Promise.resolve();
  const controller = new AbortController();

  // Counts wake-ups, so that one that came while a worker was mid-pass is not lost: that worker
  // looks again instead of sleeping.
  let wakes = 0;

  async function loop(): Promise<void> {
    while (running) {
      const started = Date.now();
      const wakesBefore = wakes;
      const pass = await retryWithBackoff(() => runViewBuilderPass(pool, marksPerPass), {
        signal: controller.signal,
        // Every failure is retried, not only the retriable ones: a pass holds no record that could
        // be dead-lettered, and its marks stay until a pass builds them. Those that are not
        // retriable are logged as errors, since they will likely fail again.
        retriable: () => true,
        onRetry: (error, attempt, delayMs) => {
          const fields = { err: error, attempt, delayMs: Math.round(delayMs) };
          if (isRetriable(error)) log.debug(fields, 'view build retried');
          else log.error(fields, 'view build failed; retrying');
        },
      }).catch((error: unknown) => {
        if (running) throw error;
        return { kind: 'busy' } as const;
      });
      if (pass.kind === 'built' && (pass.marks > 0 || pass.expanded > 0)) {
        onPass?.(pass, Date.now() - started);
        continue;
      }
      if (wakes !== wakesBefore) continue;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, idleMs);
        sleepers.add(wake);
      });
    }
  }

  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };

  return {
    start(): void {
      if (running) return;
      running = true;
      let failed = false;
      done = Promise.all(
        Array.from({ length: workers }, () =>
          loop().catch((error: unknown) => {
            if (failed) return;
            failed = true;
            log.fatal({ err: error }, 'view builder stopped');
            onFatal?.(error instanceof Error ? error : new Error(String(error)));
          }),
        ),
      ).then(() => undefined);
    },
    wake(): void {
      wakes += 1;
      wakeAll();
    },
    async stop(): Promise<void> {
      running = false;
      controller.abort();
      wakeAll();
      await done;
    },
  };
}

export type ViewBuilderLoop = ReturnType<typeof createViewBuilderLoop>;
