import type { Admin } from 'kafkajs';
import type { Client, Pool } from 'pg';
import type { ConnectorRegistry } from '../../connectors/connectorRegistry';
import { readSlot } from '../../infra/stack/replicationSlot';
import { builderBacklog } from '../store/dirtyMarks';
import { heartbeatTopic } from './cdcFreshness';
import { partitionLag } from './partitionLag';
import type { ChainFacts, ProjectorPartitions, Read } from './pipelineChain';

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

/** The bounds the last heartbeat's age is placed within: one offsets-by-time request each, at most. */
const HEARTBEAT_WINDOWS_S = [5, 10, 15, 30, 60, 300, 3600] as const;

async function read<T>(what: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await what() };
  } catch (error) {
    return { ok: false, kind: 'unreachable', error: error instanceof Error ? error.message : String(error) };
  }
}

const notConfigured = (setting: string): Read<never> => ({ ok: false, kind: 'not-configured', error: `set ${setting} to see it` });

/**
 * The smallest window within which a heartbeat reached Kafka. Record times are the Connect host's
 * clock and `now` is ours: on one machine they agree; across hosts the bound is off by their skew.
 */
async function heartbeatWithin(admin: Admin, topic: string): Promise<{ withinSeconds: number | null; windowSeconds: number }> {
  // Asked first: an admin client that requested a missing topic's offsets keeps failing on it.
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`${topic} does not exist: the connector never streamed`);
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  const now = Date.now();
  const windowSeconds = HEARTBEAT_WINDOWS_S[HEARTBEAT_WINDOWS_S.length - 1]!;
  for (const window of HEARTBEAT_WINDOWS_S) {
    const since = await admin.fetchTopicOffsetsByTimestamp(topic, now - window * 1000);
    if (since.some((s) => BigInt(s.offset) < (ends.get(s.partition) ?? 0n))) return { withinSeconds: window, windowSeconds };
  }
  return { withinSeconds: null, windowSeconds };
}

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
    read(() => heartbeatWithin(admin, heartbeatTopic(sources.topicPrefix))),
    read(() => projectorPartitions(sources)),
    read(() => builderBacklog(readPool)),
  ]);
  return { wal, slot, connector, heartbeat, projector, builder };
}
