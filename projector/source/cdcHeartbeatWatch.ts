import type { Logger } from 'pino';
import {
  cdcHeartbeatState,
  heartbeatAgeMs,
  observeHeartbeatEndOffsets,
  startHeartbeatProgress,
  type CdcHeartbeatState,
} from './cdcHeartbeatProgress';
import type { HeartbeatEndOffsets } from './heartbeatEndOffsets';

export interface CdcHeartbeatWatchTiming {
  /** How often the heartbeat topic's end offsets are read. */
  readonly pollIntervalMs?: number;
  /** No advance for longer than this is silence: 6 of Debezium's heartbeat.interval.ms (5 s). */
  readonly silentAfterMs?: number;
}

export interface CdcHeartbeatWatchOptions extends CdcHeartbeatWatchTiming {
  readonly endOffsets: HeartbeatEndOffsets;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Whether CDC streams, seen from this process: Debezium writes a heartbeat every
 * heartbeat.interval.ms while it streams, busy or idle, so an end offset of the heartbeat topic
 * that stands still means a stopped connector or a lost replication slot. Advances are timed by
 * this process's clock when it sees them, never by record timestamps, so the Connect host's
 * clock cannot matter.
 */
export function createCdcHeartbeatWatch({
  endOffsets,
  logger,
  pollIntervalMs = 5_000,
  silentAfterMs = 30_000,
  now = Date.now,
}: CdcHeartbeatWatchOptions) {
  const log = logger.child({ component: 'cdc-heartbeat-watch' });
  let progress = startHeartbeatProgress(now());
  let reported: CdcHeartbeatState['kind'] | undefined;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  const state = (): CdcHeartbeatState => cdcHeartbeatState(progress, now(), silentAfterMs);

  async function poll(): Promise<void> {
    progress = observeHeartbeatEndOffsets(progress, await endOffsets.read(), now());
    const current = state();
    if (current.kind === reported) return;
    reported = current.kind;
    if (current.kind === 'silent') log.warn({ ageMs: current.ageMs }, 'cdc silent');
    else log.info(current, 'cdc state');
  }

  function pollThenSchedule(): void {
    polling = poll()
      .catch((error: unknown) => log.error({ err: error }, 'heartbeat poll failed'))
      .finally(() => {
        polling = undefined;
        if (!running) return;
        timer = setTimeout(pollThenSchedule, pollIntervalMs);
        timer.unref();
      });
  }

  return {
    state,
    /** Time since the end offset last advanced, or since the watch was made if it never did. */
    ageMs: (): number => heartbeatAgeMs(progress, now()),
    start(): void {
      if (running) return;
      running = true;
      pollThenSchedule();
    },
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await polling;
      await endOffsets.close();
    },
  };
}

export type CdcHeartbeatWatch = ReturnType<typeof createCdcHeartbeatWatch>;
