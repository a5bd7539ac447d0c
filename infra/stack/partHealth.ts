import type { ConnectorHealth } from './connectorHealth';

export const PART_NAMES = [
  'postgres',
  'kafka',
  'connect',
  'connector',
  'postgres-exporter',
  'schema-registry',
  'prometheus',
  'projector',
  'services',
  'supervisor',
] as const;
export type PartName = (typeof PART_NAMES)[number];

/**
 * What a part of the pipeline is doing, judged by what it does rather than what it claims:
 * - RUNNING: it answers and works (the connector: records reach Kafka);
 * - STALLED: it runs but does not work (a connector whose task says RUNNING and streams nothing);
 * - DOWN: it should run and does not (a process that died, a port that does not answer);
 * - STOPPED: it was not started, or was stopped on purpose (`down`).
 */
export type PartState = 'RUNNING' | 'STALLED' | 'DOWN' | 'STOPPED';

export interface PartHealth {
  readonly name: PartName;
  readonly state: PartState;
  readonly reason: string;
  readonly pid?: number;
  /** When the process was started (its pid file written), for daemons the stack starts. */
  readonly startedAt?: number;
  readonly listens: string;
  readonly log: string;
  /** The connector's own findings (slot, silence), for the watchdog's decisions. */
  readonly connector?: ConnectorHealth;
}

/** The stack's own parts: without them nothing flows, and `status` exits non-zero. */
export const CORE_PARTS: readonly PartName[] = ['postgres', 'kafka', 'connect', 'connector'];

export function formatHealth(parts: readonly PartHealth[]): string {
  return parts
    .map(
      (p) =>
        `${p.name.padEnd(17)} ${p.state.padEnd(8)} ${(p.pid === undefined ? '' : `pid ${p.pid}`).padEnd(10)} ${p.listens.padEnd(30)} ${p.reason}`,
    )
    .join('\n');
}
