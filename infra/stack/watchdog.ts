import type { Logger } from 'pino';
import type { LocalStack } from './localStack';
import type { PartHealth, PartName } from './partHealth';
import type { CdcFormat } from '../settings/cdcFormatSettings';

export interface WatchdogOptions {
  readonly stack: Pick<LocalStack, 'health' | 'startPart' | 'terminateSlotHolder' | 'restartConnectorTasks' | 'restartConnect'> & {
    /** In Avro the connector's task needs the schema registry too: no restarts of it while the registry is down. */
    readonly cdcFormat?: CdcFormat;
  };
  readonly logger: Logger;
  readonly now?: () => number;
  /** After a part was started, how long the connector may stay silent before it is healed. */
  readonly settleMs?: number;
  /** After the task was restarted, how long it may stay stalled before Connect is restarted. */
  readonly connectRestartAfterMs?: number;
  /** Longest wait between two restarts of a process that keeps dying. */
  readonly maxBackoffMs?: number;
}

/** The parts a dead process is restarted for, in the order they depend on each other. */
const PROCESSES: readonly PartName[] = [
  'postgres',
  'kafka',
  'schema-registry',
  'connect',
  'postgres-exporter',
  'prometheus',
  'projector',
  'services',
];
const NEEDS: Partial<Record<PartName, readonly PartName[]>> = {
  connect: ['kafka'],
  'postgres-exporter': ['postgres'],
  'schema-registry': ['postgres'],
  connector: ['postgres', 'kafka', 'connect'],
  projector: ['postgres', 'kafka'],
  services: ['postgres'],
};

/** One remedy the watchdog applied, for logs and for the rounds' callers. */
export interface HealAction {
  readonly part: PartName;
  readonly action: string;
  readonly reason: string;
}

/**
 * The stack's process manager with liveness checks. Each round probes every part and applies at
 * most one remedy per part:
 * - a process that died (postgres, kafka, connect, and the projector and services when `start`
 *   started them) is started again, with exponential backoff while it keeps dying;
 * - a connector that is not registered is registered; a FAILED one is restarted;
 * - a STALLED connector (RUNNING by its REST status, nothing reaching Kafka) is healed in steps:
 *   end the walsender that holds its slot and restart the task; if it is still stalled after
 *   `connectRestartAfterMs`, restart the Connect worker; then start over.
 * A lost slot is announced, never "healed": restarting cannot bring its WAL back.
 * Every action is one log line with its reason. State lives in memory: a new watchdog (the
 * one-shot `heal`) starts from the first step.
 */
export function createWatchdog({
  stack,
  logger,
  now = Date.now,
  settleMs = 10_000,
  connectRestartAfterMs = 20_000,
  maxBackoffMs = 60_000,
}: WatchdogOptions) {
  const log = logger.child({ component: 'watchdog' });
  const connectorNeeds: readonly PartName[] = [
    ...(NEEDS.connector ?? []),
    ...(stack.cdcFormat === 'avro' ? (['schema-registry'] as const) : []),
  ];
  const backoff = new Map<PartName, { attempts: number; notBefore: number }>();
  /** Until when a stalled connector is left alone: a part it needs was just (re)started. */
  let settleUntil = 0;
  let heal: { step: 'task-restarted' | 'connect-restarted'; at: number } | undefined;
  let lastAnnouncement = 0;

  function mayTry(part: PartName): boolean {
    return (backoff.get(part)?.notBefore ?? 0) <= now();
  }

  function tried(part: PartName): void {
    const attempts = (backoff.get(part)?.attempts ?? 0) + 1;
    backoff.set(part, { attempts, notBefore: now() + Math.min(maxBackoffMs, 1000 * 2 ** (attempts - 1)) });
  }

  async function act(part: PartName, action: string, reason: string, work: () => Promise<unknown>, done: HealAction[]): Promise<void> {
    log.warn({ part, action, reason }, 'healing');
    done.push({ part, action, reason });
    try {
      await work();
      log.info({ part, action }, 'healed');
    } catch (error) {
      log.error({ part, action, err: error }, 'healing failed');
    }
  }

  async function healConnector(connector: PartHealth, kafkaStartedAt: number, done: HealAction[]): Promise<void> {
    const found = connector.connector;
    if (found === undefined) return;
    if (found.state === 'RUNNING') {
      // Its restarts back off while it keeps failing, not for the rest of the supervisor's life.
      backoff.delete('connector');
      if (heal !== undefined) log.info({ part: 'connector', after: heal.step }, 'connector streams again');
      heal = undefined;
      if (found.atRisk && now() - lastAnnouncement > 60_000) {
        lastAnnouncement = now();
        // slot_name and wal_status as the postgres-exporter labels pg_replication_slot_* (alert ReplicationSlotWalHigh).
        log.error(
          { part: 'connector', slot_name: found.slot.name, wal_status: found.slot.walStatus, reason: found.reason },
          'replication slot at risk',
        );
      }
      return;
    }
    if (found.state === 'DOWN') {
      // Not probed (a part it needs was down) or not answering: the next round looks again.
      if (found.notRegistered && mayTry('connector')) {
        tried('connector');
        await act('connector', 'register', found.reason, () => stack.startPart('connector'), done);
      }
      return;
    }
    if (found.state === 'FAILED') {
      if (mayTry('connector')) {
        tried('connector');
        await act('connector', 'restart task', found.reason, () => stack.restartConnectorTasks(), done);
      }
      return;
    }
    if (found.lost) {
      if (now() - lastAnnouncement > 60_000) {
        lastAnnouncement = now();
        log.error(
          { part: 'connector', slot_name: found.slot?.name, wal_status: found.slot?.walStatus ?? 'lost', reason: found.reason },
          'replication slot lost; run recover-cdc',
        );
      }
      return;
    }
    if (now() < settleUntil) return;
    const since = heal === undefined ? Infinity : now() - heal.at;
    const holder = found.slot?.holder;
    if (heal === undefined && holder !== null && holder !== undefined && holder.sinceMs < kafkaStartedAt) {
      // The broker-crash wedge (FIELD-NOTES): the slot is held by a replication connection
      // opened before the broker last started, by a task Connect has since replaced. A task
      // restart does not help there (the new task first waits about 2 minutes for the old
      // one's JMX names), so the worker is restarted at once.
      await act(
        'connect',
        `end walsender ${holder.pid} holding the slot, restart worker`,
        `slot held since ${holder.since}, before the broker started; ${found.reason}`,
        async () => {
          await stack.terminateSlotHolder(holder.pid);
          await stack.restartConnect();
        },
        done,
      );
      heal = { step: 'connect-restarted', at: now() };
    } else if (heal === undefined || (heal.step === 'connect-restarted' && since > 2 * connectRestartAfterMs)) {
      await act(
        'connector',
        holder === null || holder === undefined ? 'restart task' : `end walsender ${holder.pid} holding the slot, restart task`,
        found.reason,
        async () => {
          if (holder !== null && holder !== undefined) await stack.terminateSlotHolder(holder.pid);
          await stack.restartConnectorTasks();
        },
        done,
      );
      heal = { step: 'task-restarted', at: now() };
    } else if (heal.step === 'task-restarted' && since > connectRestartAfterMs) {
      await act(
        'connect',
        'restart worker',
        `connector still stalled ${Math.round(since / 1000)} s after its task was restarted: ${found.reason}`,
        () => stack.restartConnect(),
        done,
      );
      heal = { step: 'connect-restarted', at: now() };
    }
  }

  return {
    /** Probes every part, heals what needs it, and returns what it found and did. */
    async round(): Promise<{ health: PartHealth[]; actions: HealAction[] }> {
      const health = await stack.health();
      const byName = new Map(health.map((p) => [p.name, p]));
      const actions: HealAction[] = [];
      const up = (name: PartName) => byName.get(name)?.state === 'RUNNING';

      for (const name of PROCESSES) {
        const part = byName.get(name);
        if (part === undefined || part.state === 'RUNNING' || part.state === 'STOPPED') {
          if (part?.state === 'RUNNING') backoff.delete(name);
          continue;
        }
        if (!(NEEDS[name] ?? []).every(up) || !mayTry(name)) continue;
        // A process that runs but answers badly (an app's health URL) is left to its own
        // retries; only a dead one is started again.
        if (part.state !== 'DOWN' || (part.pid !== undefined && name !== 'postgres')) continue;
        tried(name);
        await act(name, 'start', part.reason, () => stack.startPart(name), actions);
        byName.set(name, { ...part, state: 'RUNNING' });
        if (name === 'postgres' || name === 'kafka' || name === 'connect') settleUntil = now() + settleMs;
      }

      const connector = byName.get('connector');
      if (connector !== undefined && connectorNeeds.every(up)) await healConnector(connector, byName.get('kafka')?.startedAt ?? 0, actions);
      return { health, actions };
    },
  };
}

export type Watchdog = ReturnType<typeof createWatchdog>;
