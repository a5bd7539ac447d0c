import fs from 'node:fs';
import path from 'node:path';

/** Kafka positions, topic → partition → offset, as JSON-safe strings. */
export type TopicOffsets = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Where `recover-cdc` stands, kept in the stack's state folder so that a killed run is finished by
 * running it again, and so that the watchdog leaves the connector alone while it is stopped on
 * purpose. Each phase is done when the next is written.
 * - `stopping`: stop the connector, end the slot's walsender, drop the slot, forget the offsets;
 * - `snapshotting`: the connector was resumed and re-reads every table (a blocking snapshot);
 * - `retiring`: the snapshot is in Kafka; waiting for the projector to apply it, then retiring
 *   the friendships deleted while the slot was lost.
 */
export interface CdcRecoveryState {
  readonly phase: 'stopping' | 'snapshotting' | 'retiring';
  readonly startedAt: string;
  readonly slotName: string;
  /** End offsets of the data topics and the notification topic before the connector was resumed. */
  readonly before: TopicOffsets;
  /** The LSN every read of the new snapshot carries (set in `retiring`). */
  readonly snapshotLsn?: string;
  /** End offsets of the data topics once the snapshot completed (set in `retiring`). */
  readonly snapshotEnd?: TopicOffsets;
}

/**
 * Phases in which the connector is stopped, or starting with a snapshot, on purpose: not a stall
 * to heal (a task restarted mid-snapshot would snapshot again at another position).
 */
export const HANDS_OFF_PHASES: ReadonlyArray<CdcRecoveryState['phase']> = ['stopping', 'snapshotting'];

export function cdcRecoveryFile(stateDir: string): string {
  return path.join(stateDir, 'cdc-recovery.json');
}

export function readCdcRecovery(stateDir: string): CdcRecoveryState | undefined {
  const file = cdcRecoveryFile(stateDir);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CdcRecoveryState;
}

/** Written whole to a temporary file and renamed, so a crash leaves the old state or the new one. */
export function writeCdcRecovery(stateDir: string, state: CdcRecoveryState): void {
  const file = cdcRecoveryFile(stateDir);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

export function clearCdcRecovery(stateDir: string): void {
  fs.rmSync(cdcRecoveryFile(stateDir), { force: true });
}
