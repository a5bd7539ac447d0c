import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Client } from 'pg';
import type { ConnectorDefinition } from '../../connectors/connectorDefinition';
import type { ConnectorRegistry } from '../../connectors/connectorRegistry';
import { cdcTopics } from '../../connectors/cdcTopics';
import { HANDS_OFF_PHASES, type CdcRecoveryState } from './cdcRecoveryState';
import { readSlot, type SlotState } from './replicationSlot';

export type { SlotState } from './replicationSlot';

export type ConnectorHealth =
  | { readonly state: 'RUNNING'; readonly reason: string; readonly slot: SlotState; readonly atRisk: boolean }
  /** The task says RUNNING (or is between states) but nothing reaches Kafka; `lost` cannot be healed by a restart. */
  /** `recovering`: `recover-cdc` stopped it on purpose; nobody else may touch it meanwhile. */
  | {
      readonly state: 'STALLED';
      readonly reason: string;
      readonly slot: SlotState | null;
      readonly lost: boolean;
      readonly recovering?: boolean;
    }
  | { readonly state: 'FAILED'; readonly reason: string }
  /** `notRegistered`: Connect answers and does not know the connector (register it); else it could not be asked. */
  | { readonly state: 'DOWN'; readonly reason: string; readonly notRegistered: boolean };

export interface ConnectorHealthOptions {
  readonly definition: ConnectorDefinition;
  readonly registry: ConnectorRegistry;
  readonly kafkaBrokers: string;
  /** A client on the connector's database, made for one probe and closed after it. */
  readonly writeClient: () => Promise<Client>;
  /**
   * How long the connector may send nothing to Kafka before it counts as stalled. Debezium sends
   * a heartbeat every `heartbeat.interval.ms` while its streaming loop runs, busy or idle, so
   * silence for several intervals means the task is not streaming, whatever its REST state says.
   */
  readonly silenceMs?: number;
  /** Where a `recover-cdc` run stands, if one started and has not finished. */
  readonly recovery?: () => CdcRecoveryState | undefined;
}

/** A slot that has used half its WAL allowance (max_slot_wal_keep_size) is announced as at risk. */
const AT_RISK_SHARE = 0.5;

/**
 * Whether the CDC connector really streams. The REST status alone is not enough: after a broker
 * crash the task restarts inside the same Connect JVM while the old replication connection keeps
 * the slot, and the status says RUNNING for ever. The signals, in order:
 * 1. the REST state of the connector and its tasks (FAILED, not registered);
 * 2. the replication slot: missing, or `wal_status = lost` (only `recover-cdc` helps then);
 * 3. records reaching Kafka: the heartbeat topic (and, while a snapshot runs, the data topics)
 *    must have a record newer than `silenceMs`.
 */
export function createConnectorHealth({ definition, registry, kafkaBrokers, writeClient, silenceMs, recovery }: ConnectorHealthOptions) {
  const slotName = definition.config['slot.name'] ?? definition.name;
  const prefix = definition.config['topic.prefix'] ?? definition.name;
  const heartbeatTopic = `${definition.config['topic.heartbeat.prefix'] ?? '__debezium-heartbeat'}.${prefix}`;
  const heartbeatMs = Number(definition.config['heartbeat.interval.ms'] ?? '0');
  const silence = silenceMs ?? Math.max(20_000, 4 * heartbeatMs);
  const dataTopics = cdcTopics(definition).map((t) => t.topic);

  /** Whether any of these topics got a record at or after `since` (by the records' timestamps). */
  async function anyRecordSince(admin: Admin, topics: readonly string[], since: number): Promise<boolean> {
    for (const topic of topics) {
      // One request at a time: kafkajs's admin fails concurrent offset requests on one connection.
      const ends = await admin.fetchTopicOffsets(topic);
      const fromTime = await admin.fetchTopicOffsetsByTimestamp(topic, since);
      for (const end of ends) {
        const first = fromTime.find((p) => p.partition === end.partition);
        // No record at or after `since` answers the end offset (or -1).
        if (first !== undefined && first.offset !== '-1' && BigInt(first.offset) < BigInt(end.high)) return true;
      }
    }
    return false;
  }

  async function recordsFlow(): Promise<boolean> {
    const admin = new Kafka({
      clientId: 'stack-health',
      brokers: [kafkaBrokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    }).admin();
    await admin.connect();
    try {
      const since = Date.now() - silence;
      const existing = new Set(await admin.listTopics());
      if (existing.has(heartbeatTopic) && (await anyRecordSince(admin, [heartbeatTopic], since))) return true;
      // A snapshot sends rows, not heartbeats.
      return await anyRecordSince(
        admin,
        dataTopics.filter((t) => existing.has(t)),
        since,
      );
    } finally {
      await admin.disconnect();
    }
  }

  return {
    slotName,
    silenceMs: silence,

    async probe(): Promise<ConnectorHealth> {
      let status;
      try {
        status = await registry.status(definition.name);
      } catch (error) {
        return { state: 'DOWN', reason: `Connect REST does not answer: ${(error as Error).message}`, notRegistered: false };
      }
      if (status === undefined) return { state: 'DOWN', reason: `connector ${definition.name} is not registered`, notRegistered: true };
      const recovering = recovery?.();
      if (recovering !== undefined && HANDS_OFF_PHASES.includes(recovering.phase)) {
        return {
          state: 'STALLED',
          reason: `recover-cdc started ${recovering.startedAt} and stopped the connector on purpose (phase ${recovering.phase}); if that run is gone, run \`npm run stack -- recover-cdc\` again to finish`,
          slot: null,
          lost: true,
          recovering: true,
        };
      }
      const failed = [{ ...status.connector, id: 'connector' }, ...status.tasks].find((s) => s.state === 'FAILED');
      if (failed !== undefined) {
        return {
          state: 'FAILED',
          reason: `${failed.id === 'connector' ? 'connector' : `task ${failed.id}`} FAILED: ${firstLine(failed.trace)}`,
        };
      }

      const slot = await readSlot(writeClient, slotName);
      if (slot === null) return { state: 'STALLED', reason: `replication slot ${slotName} does not exist`, slot, lost: false };
      if (slot.walStatus === 'lost') {
        return {
          state: 'STALLED',
          reason: `replication slot ${slotName} is lost (its WAL was removed): views stop changing until \`npm run stack -- recover-cdc\``,
          slot,
          lost: true,
        };
      }
      const states = [status.connector.state, ...status.tasks.map((t) => t.state)];
      if (status.tasks.length === 0 || states.some((s) => s !== 'RUNNING')) {
        return {
          state: 'STALLED',
          reason: `connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',') || 'none'}`,
          slot,
          lost: false,
        };
      }
      if (!(await recordsFlow())) {
        const holder =
          slot.holder === null
            ? 'no connection holds the slot'
            : `slot held by walsender pid ${slot.holder.pid} since ${slot.holder.since}`;
        return {
          state: 'STALLED',
          reason: `task RUNNING but nothing reached Kafka for ${Math.round(silence / 1000)} s (${holder}; confirmed ${slot.confirmedLsn})`,
          slot,
          lost: false,
        };
      }
      const atRisk = slot.safeWalBytes !== null && slot.safeWalBytes < AT_RISK_SHARE * (slot.safeWalBytes + slot.retainedBytes);
      const retained = `${(slot.retainedBytes / 1048576).toFixed(1)} MB WAL retained`;
      const risk = atRisk
        ? `; AT RISK: only ${(Number(slot.safeWalBytes) / 1048576).toFixed(0)} MB of WAL left before the slot is invalidated`
        : '';
      const unfinished =
        recovering === undefined
          ? ''
          : `; recover-cdc has not finished (phase ${recovering.phase}): run it again to retire the deletes it missed`;
      return { state: 'RUNNING', reason: `streaming; confirmed ${slot.confirmedLsn}, ${retained}${risk}${unfinished}`, slot, atRisk };
    },
  };
}

function firstLine(text: string | undefined): string {
  return (text ?? '(no trace)').split('\n')[0] ?? '';
}

export type ConnectorHealthProbe = ReturnType<typeof createConnectorHealth>;
