import fs from 'node:fs';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { ensureCdcTopics } from '../../connectors/cdcTopics';
import { twinInFormat, type ConnectorDefinition } from '../../connectors/connectorDefinition';
import type { StackUrls } from '../../infra/stack/config';
import type { LocalStack } from '../../infra/stack/localStack';
import { waitFor } from '../../infra/stack/waitFor';
import { deleteTopicsOfPrefix, removeConnectorAndSlot } from '../support/twinTeardown';

/**
 * The benchmark's data set a second time, in Avro: a slot reserved on the bench's write database
 * before the data set is written (so it keeps the same changes), and a connector in the Avro format
 * run on it once the JSON connector has captured the data set, until it has confirmed it too; then
 * the connector and its slot go, so its topics hold the data set and nothing the later steps write.
 * Its topics are `<prefix>.public.*`, removed by `remove`.
 */
export async function reserveAvroCapture({
  stack,
  urls,
  admin,
  json,
  database,
  prefix,
}: {
  stack: Pick<LocalStack, 'registry'>;
  urls: StackUrls;
  admin: Admin;
  /** The bench's JSON connector: the Avro one is the same but for its name, slot, topics and converters. */
  json: ConnectorDefinition;
  database: string;
  prefix: string;
}) {
  const cdcUrl = new URL(urls.CDC_DATABASE_URL);
  cdcUrl.pathname = `/${database}`;
  const cdc = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: cdcUrl.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await cdc((c) => c.query("select pg_create_logical_replication_slot($1, 'pgoutput')", [prefix]));
  const definition = twinInFormat(json, prefix, 'avro');

  return {
    prefix,
    /**
     * Runs the connector on the reserved slot until it has confirmed all WAL written so far, then
     * removes it and its slot. Null when PostgreSQL dropped the slot's WAL first (the data set's
     * WAL exceeded max_slot_wal_keep_size while the slot waited): then there is nothing to compare.
     */
    async capture(): Promise<{ readonly seconds: number } | { readonly lost: string }> {
      const walStatus = await cdc(
        async (c) =>
          (await c.query<{ wal_status: string }>('select wal_status from pg_replication_slots where slot_name = $1', [prefix])).rows[0]
            ?.wal_status,
      );
      if (walStatus === undefined || walStatus === 'lost') {
        await stopConnector();
        return {
          lost: `slot ${prefix} ${walStatus === undefined ? 'is gone' : 'lost its WAL'} (the data set's WAL exceeded max_slot_wal_keep_size)`,
        };
      }
      const started = Date.now();
      await ensureCdcTopics(admin, definition);
      await stack.registry.register(definition);
      const written = await cdc(async (c) => (await c.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn);
      await waitFor(
        async () => {
          const { rows } = await cdc((c) =>
            c.query<{ behind: string }>(
              'select pg_wal_lsn_diff($1::pg_lsn, confirmed_flush_lsn)::text as behind from pg_replication_slots where slot_name = $2',
              [written, prefix],
            ),
          );
          return rows[0] !== undefined && Number(rows[0].behind) <= 0 ? true : undefined;
        },
        { what: `Avro connector ${prefix} to confirm the backlog`, timeoutMs: 3_600_000, intervalMs: 500 },
      );
      const seconds = (Date.now() - started) / 1000;
      await stopConnector();
      return { seconds };
    },
    async remove(): Promise<void> {
      await stopConnector();
      await deleteTopicsOfPrefix(admin, prefix).catch(() => undefined);
    },
  };

  async function stopConnector(): Promise<void> {
    await removeConnectorAndSlot({ connectors: stack.registry, name: prefix, slot: prefix, cdcDatabaseUrl: cdcUrl.toString() }).catch(
      (error: unknown) => console.error(`cleanup: ${String(error)}`),
    );
  }
}

/** Bytes of the records' keys and values in the topics, read from their start to their current ends: the format's own size, whatever the batching. */
export async function topicPayloadBytes(kafka: Kafka, admin: Admin, topics: readonly string[]): Promise<number> {
  const ends = new Map<string, bigint>();
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > 0n) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
  if (ends.size === 0) return 0;
  const groupId = `bench-bytes-${Date.now().toString(36)}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 50 * 2 ** 20 });
  let bytes = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}/${batch.partition}`;
        const end = ends.get(key);
        if (end === undefined) return;
        for (const m of batch.messages) if (BigInt(m.offset) < end) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
        if (BigInt(batch.lastOffset()) + 1n >= end) ends.delete(key);
        if (ends.size === 0) done();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return bytes;
}

/** Bytes of the topics' log segments in the broker's data folder: what they take on disk, batch headers included. */
export function topicLogBytes(kafkaDataDir: string, topics: readonly string[]): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(kafkaDataDir)) {
    const dash = entry.lastIndexOf('-');
    if (dash < 0 || !topics.includes(entry.slice(0, dash)) || !/^\d+$/.test(entry.slice(dash + 1))) continue;
    for (const file of fs.readdirSync(path.join(kafkaDataDir, entry)))
      if (file.endsWith('.log')) bytes += fs.statSync(path.join(kafkaDataDir, entry, file)).size;
  }
  return bytes;
}
