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
  readonly now?: () => number;
}

/** The two facts whose movement decides between behind and stalled (ChainFacts.earlier). */
export async function readProgressFacts(sources: ChainSources): Promise<Pick<ChainFacts, 'projector' | 'builder'>> {
  const [projector, builder] = await Promise.all([read(() => projectorPartitions(sources)), read(() => builderBacklog(sources.readPool))]);
  return { projector, builder };
}

/** No source may hold the command up for longer: a database that accepts and never answers is a stalled link. */
const READ_DEADLINE_MS = 15_000;

async function read<T>(what: () => Promise<T>, deadlineMs = READ_DEADLINE_MS): Promise<Read<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    return { ok: true, value: await Promise.race([what(), deadline]) };
  } catch (error) {
    return { ok: false, kind: 'unreachable', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const notConfigured = (setting: string): Read<never> => ({ ok: false, kind: 'not-configured', error: `set ${setting} to see it` });

async function projectorPartitions(sources: ChainSources): Promise<ProjectorPartitions> {
  const [lags, groups] = await Promise.all([
    partitionLag(sources.admin, sources.readPool, sources.group, sources.topics),
    sources.admin.describeGroups([sources.group]),
  ]);
  const behind = lags.filter((l) => l.lag > 0n);
  const now = sources.now?.() ?? Date.now();
  const ages = behind.filter((l) => l.lastSourceTsMs !== null).map((l) => (now - (l.lastSourceTsMs ?? now)) / 1000);
  return {
    group: sources.group,
    lags,
    applied: Number(lags.reduce((sum, l) => sum + l.checkpoint, 0n)),
    members: groups.groups[0]?.members.length ?? 0,
    lagRecords: Number(lags.reduce((sum, l) => sum + l.lag, 0n)),
    partitions: lags.length,
    partitionsBehind: behind.length,
    oldestBehindSeconds: ages.length === 0 ? null : Math.max(0, ...ages),
  };
}

/** Every fact the chain is judged on, read side by side; a source that fails makes its link unknown, not the whole chain. */
export async function readChainFacts(sources: ChainSources): Promise<ChainFacts> {
  const { admin, writeClient, registry } = sources;
  const [wal, slot, connector, heartbeat, progress] = await Promise.all([
    writeClient === undefined
      ? notConfigured('VERIFIER_WRITE_DATABASE_URL')
      : read(async () => {
          const client = await writeClient();
          try {
            const { rows } = await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
            return { currentLsn: rows[0]?.lsn ?? '' };
          } finally {
            await client.end();
          }
        }),
    writeClient === undefined ? notConfigured('VERIFIER_WRITE_DATABASE_URL') : read(() => readSlot(writeClient, sources.slotName)),
    registry === undefined
      ? notConfigured('CONNECT_URL')
      : read(async () => {
          const status = await registry.status(sources.connectorName);
          if (status === undefined) return { connector: null, tasks: [], trace: null };
          const failed = [status.connector, ...status.tasks].find((s) => s.trace !== undefined);
          return { connector: status.connector.state, tasks: status.tasks.map((t) => t.state), trace: failed?.trace ?? null };
        }),
    // The deadline leaves room for the pause that confirms a silence (heartbeatAge).
    read(() => heartbeatAge(admin, sources.topicPrefix, { confirmAboveS: HEARTBEAT_SILENCE_SECONDS }), READ_DEADLINE_MS + 11_000),
    readProgressFacts(sources),
  ]);
  return { wal, slot, connector, heartbeat, ...progress };
}
