import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { ConnectorDefinition } from '../../connectors/connectorDefinition';
import type { RecordValueReader } from '../../connectors/recordValues';

/**
 * `npm run stack -- resnapshot [--tables a,b]`: an incremental snapshot through Debezium's
 * signal table. The connector reads the tables in chunks while it keeps streaming, and emits
 * each row as a read (`r`) event, which the projector applies like any other change (a version
 * not newer than the stored one changes nothing). Progress comes from Debezium's notifications
 * (the sink channel, `notification.sink.topic.name`), matched by the signal's id.
 */

export interface SnapshotNotification {
  readonly id: string;
  readonly aggregateType: string;
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Tables whose topics are keyed by `message.key.columns` instead of their primary key. Debezium
 * chunks an incremental snapshot by the message key and keeps one row per key in its window, so
 * for these tables (many rows per channel or user) it would emit a part of the rows only.
 */
export function rekeyedTables(definition: ConnectorDefinition): string[] {
  return (definition.config['message.key.columns'] ?? '')
    .split(';')
    .map((entry) => entry.split(':')[0]?.trim() ?? '')
    .filter((t) => t !== '');
}

/** The tables a snapshot may name: the include list without Debezium's own tables and the re-keyed ones. */
export function snapshotTables(definition: ConnectorDefinition): string[] {
  const rekeyed = rekeyedTables(definition);
  return (definition.config['table.include.list'] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && !/\.debezium_/.test(t) && !rekeyed.includes(t));
}

/** `--tables users,messages` as data collections; every table when none is named. Throws naming an unknown one. */
export function chooseTables(definition: ConnectorDefinition, asked: string | undefined): string[] {
  const known = snapshotTables(definition);
  if (asked === undefined) return known;
  const chosen = asked
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t.includes('.') ? t : `public.${t}`));
  const rekeyed = chosen.filter((t) => rekeyedTables(definition).includes(t));
  if (rekeyed.length > 0) {
    throw new Error(
      `--tables: ${rekeyed.join(', ')} cannot be re-snapshotted incrementally: their topics are keyed by ` +
        'message.key.columns, not by their primary key, and Debezium would emit one row per key; ' +
        `the tables that can are ${known.join(', ')}`,
    );
  }
  const unknown = chosen.filter((t) => !known.includes(t));
  if (chosen.length === 0 || unknown.length > 0) {
    throw new Error(
      `--tables: ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'no table named'}; the tables are ${known.join(', ')}`,
    );
  }
  return chosen;
}

/** One notification record's value (as createRecordValueReader gives it), or null for anything else on the topic. */
export function parseNotification(value: unknown): SnapshotNotification | null {
  if (typeof value !== 'object' || value === null) return null;
  const parsed = value as Record<string, unknown>;
  const body = (typeof parsed.payload === 'object' && parsed.payload !== null ? parsed.payload : parsed) as Record<string, unknown>;
  if (typeof body.id !== 'string' || typeof body.type !== 'string') return null;
  const data =
    typeof body.additional_data === 'object' && body.additional_data !== null ? (body.additional_data as Record<string, string>) : {};
  return { id: body.id, aggregateType: String(body.aggregate_type ?? ''), type: body.type, data };
}

/** A progress line for an operator, or null when the notification says nothing new. */
export function progressLine(n: SnapshotNotification): string | null {
  switch (n.type) {
    case 'STARTED':
      return n.data.data_collections === undefined ? 'snapshot started' : `snapshot started: ${n.data.data_collections}`;
    case 'IN_PROGRESS':
      // An initial (blocking) snapshot names the table it reads; an incremental one also its keys.
      return n.data.last_processed_key === undefined
        ? `${n.data.current_collection_in_progress ?? '?'}: reading`
        : `${n.data.current_collection_in_progress ?? '?'}: read up to key ${n.data.last_processed_key} of ${n.data.maximum_key ?? '?'}`;
    case 'TABLE_SCAN_COMPLETED':
      return `${n.data.scanned_collection ?? n.data.data_collection ?? '?'}: done, ${n.data.total_rows_scanned ?? '?'} rows (${n.data.status ?? 'SUCCEEDED'})`;
    case 'COMPLETED':
      return 'snapshot completed';
    case 'ABORTED':
      return 'snapshot ABORTED';
    default:
      return null;
  }
}

export interface ResnapshotDeps {
  readonly definition: ConnectorDefinition;
  readonly writeDatabaseUrl: string;
  readonly kafkaBrokers: string;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  /** Reads the notifications in the format the connector writes. */
  readonly values: RecordValueReader;
}

/** Signals the snapshot and follows it to its end. Returns 0 when it completed, 1 when aborted or timed out. */
export async function runResnapshot(
  { definition, writeDatabaseUrl, kafkaBrokers, log, timeoutMs, values }: ResnapshotDeps,
  tables: readonly string[],
): Promise<number> {
  const topic = definition.config['notification.sink.topic.name'];
  const signalTable = definition.config['signal.data.collection'];
  if (topic === undefined || signalTable === undefined)
    throw new Error('the connector has no notification.sink.topic.name or signal.data.collection');
  const id = randomUUID();
  const kafka = new Kafka({ clientId: 'stack-resnapshot', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Connect would make the topic with the first notification; it must exist to be followed.
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const consumer = kafka.consumer({ groupId: `stack-resnapshot-${id}` });
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const timer = setTimeout(() => {
    log(`no end of snapshot ${id} within ${timeoutMs / 1000} s; it may still be running (see the connector's log)`);
    finish(1);
  }, timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const n = parseNotification(await values(message.value));
        if (n === null || n.id !== id) return;
        const line = progressLine(n);
        if (line !== null) log(line);
        if (n.type === 'COMPLETED') finish(0);
        if (n.type === 'ABORTED') finish(1);
      },
    });
    const client = new Client({ connectionString: writeDatabaseUrl });
    await client.connect();
    try {
      await client.query(`insert into ${signalTable.replace(/^public\./, '')} (id, type, data) values ($1, 'execute-snapshot', $2)`, [
        id,
        JSON.stringify({ 'data-collections': tables, type: 'incremental' }),
      ]);
    } finally {
      await client.end();
    }
    log(`snapshot ${id} of ${tables.join(', ')} signalled`);
    return await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([`stack-resnapshot-${id}`]).catch(() => undefined);
    await admin.disconnect();
  }
}
