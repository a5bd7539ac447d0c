import { setTimeout as sleep } from 'node:timers/promises';
import { createCommandStats, type CommandStats } from './commandStats';
import { createSeededRandom } from './seededRandom';
import { createTrafficModel, type PlannedCommand, type TrafficModel } from './trafficModel';
import type { WorkloadOptions } from './workloadOptions';

const REQUEST_TIMEOUT_MS = 30_000;
/** A slot more than this late is skipped rather than sent in a catch-up burst above the rate. */
const MAX_LATENESS_MS = 1_000;

export interface WorkloadResult {
  readonly stats: CommandStats;
  readonly model: TrafficModel;
  readonly elapsedSeconds: number;
  /** Slots skipped: nothing possible yet, or too late because the API could not keep up. */
  readonly idleSlots: number;
  readonly lateSlots: number;
}

async function send(baseUrl: string, planned: PlannedCommand, stats: CommandStats): Promise<void> {
  const started = performance.now();
  let status = 0;
  let error: string | undefined;
  try {
    const response = await fetch(`${baseUrl}${planned.path}`, {
      method: planned.method,
      headers: {
        ...(planned.actor ? { authorization: `Bearer ${planned.actor.token}` } : {}),
        ...(planned.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(planned.body === undefined ? {} : { body: JSON.stringify(planned.body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    status = response.status;
    const body = text === '' ? undefined : (JSON.parse(text) as any);
    if (status >= 400) error = typeof body?.error === 'string' ? body.error : undefined;
    planned.onReply?.(status, body);
  } catch (failure) {
    error = failure instanceof Error ? failure.name : 'network_error';
  }
  stats.record({ command: planned.command, status, ms: performance.now() - started, ...(error === undefined ? {} : { error }) });
}

/**
 * Sends the traffic mix at `rate` commands per second for `durationSeconds`: slot k starts at
 * k / rate seconds, never more than `concurrency` requests in flight. Calls `onProgress` once a second.
 */
export async function runWorkload({
  options,
  baseUrl,
  onProgress,
}: {
  options: WorkloadOptions;
  baseUrl: string;
  onProgress: (progress: { elapsedSeconds: number; inFlight: number; stats: CommandStats; model: TrafficModel }) => void;
}): Promise<WorkloadResult> {
  const stats = createCommandStats();
  const model = createTrafficModel({ random: createSeededRandom(options.seed), userCount: options.users });
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  const endsAt = startedAt + options.durationSeconds * 1000;
  let idleSlots = 0;
  let lateSlots = 0;

  const ticker = setInterval(
    () => onProgress({ elapsedSeconds: (performance.now() - startedAt) / 1000, inFlight: inFlight.size, stats, model }),
    1000,
  );
  try {
    for (let slot = 0; ; slot += 1) {
      const due = startedAt + (slot * 1000) / options.rate;
      if (due >= endsAt) break;
      const now = performance.now();
      if (due > now) await sleep(due - now);
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (performance.now() >= endsAt) break;
      if (performance.now() - due > MAX_LATENESS_MS) {
        lateSlots += 1;
        continue;
      }
      const planned = model.next();
      if (planned === undefined) {
        idleSlots += 1;
        continue;
      }
      const request = send(baseUrl, planned, stats).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
  }
  return { stats, model, elapsedSeconds: (performance.now() - startedAt) / 1000, idleSlots, lateSlots };
}
