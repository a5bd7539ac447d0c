import type { Admin } from 'kafkajs';
import type { Client, Pool } from 'pg';
import type { ConnectorRegistry } from '../../connectors/connectorRegistry';
import { readSlot } from '../../infra/stack/replicationSlot';
import { builderBacklog } from '../store/dirtyMarks';
import { heartbeatAge } from './cdcFreshness';
import { partitionLag } from './partitionLag';
import { HEARTBEAT_SILENCE_SECONDS, type ChainFacts, type ProjectorPartitions, type Read } from './pipelineChain';

export interface ChainSources {
  readonly admin: Admin;
  readonly readPool: Pool;
  readonly group: string;
  readonly topics: readonly string[];
  readonly topicPrefix: string;
  /** A client on the write database, made for one read and closed after it; undefined: not reachable from here. */
  readonly writeClient: (() => Promise<Client>) | undefined;
  /** Kafka Connect's REST API; undefined: not reachable from here. */
  readonly registry: ConnectorRegistry | undefined;
  readonly connectorName: string;
  readonly slotName: string;
}

async function read<T>(what: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await what() };
  } catch (error) {
    return { ok: false, kind: 'unreachable', error: error instanceof Error ? error.message : String(error) };
  }
}

const notConfigured = (setting: string): Read<never> => ({ ok: false, kind: 'not-configured', error: `set ${setting} to see it` });

async function projectorPartitions(sources: ChainSources): Promise<ProjectorPartitions> {
  const [lags, groups] = await Promise.all([
    partitionLag(sources.admin, sources.readPool, sources.group, sources.topics),
    sources.admin.describeGroups([sources.group]),
  ]);
  const behind = lags.filter((l) => l.lag > 0n);
  const now = Date.now();
  const ages = behind.filter((l) => l.lastSourceTsMs !== null).map((l) => (now - (l.lastSourceTsMs ?? now)) / 1000);
  return {
    group: sources.group,
    members: groups.groups[0]?.members.length ?? 0,
    lagRecords: Number(lags.reduce((sum, l) => sum + l.lag, 0n)),
    partitions: lags.length,
    partitionsBehind: behind.length,
    oldestBehindSeconds: ages.length === 0 ? null : Math.max(0, ...ages),
  };
}

/** Every fact the chain is judged on, read side by side; a source that fails makes its link unknown, not the whole chain. */
export async function readChainFacts(sources: ChainSources): Promise<ChainFacts> {
  const { admin, readPool, writeClient, registry } = sources;
  const [wal, slot, connector, heartbeat, projector, builder] = await Promise.all([
    writeClient === undefined
      ? notConfigured('WRITE_DATABASE_URL')
      : read(async () => {
          const client = await writeClient();
          try {
            const { rows } = await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
            return { currentLsn: rows[0]?.lsn ?? '' };
          } finally {
            await client.end();
          }
        }),
    writeClient === undefined ? notConfigured('WRITE_DATABASE_URL') : read(() => readSlot(writeClient, sources.slotName)),
    registry === undefined
      ? notConfigured('CONNECT_URL')
      : read(async () => {
          const status = await registry.status(sources.connectorName);
          if (status === undefined) return { connector: null, tasks: [], trace: null };
          const failed = [status.connector, ...status.tasks].find((s) => s.trace !== undefined);
          return { connector: status.connector.state, tasks: status.tasks.map((t) => t.state), trace: failed?.trace ?? null };
        }),
    read(() => heartbeatAge(admin, sources.topicPrefix, { confirmAboveS: HEARTBEAT_SILENCE_SECONDS })),
    read(() => projectorPartitions(sources)),
    read(() => builderBacklog(readPool)),
  ]);
  return { wal, slot, connector, heartbeat, projector, builder };
}
