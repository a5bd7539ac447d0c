import { ensurePublication } from '../../infra/db/pipelineRoles';
import { cdcTablesOf } from '../../infra/jobs/pipelineMigrations';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { loadConnectorDefinition, withOverrides } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { waitFor } from '../../infra/stack/waitFor';
import { waitUntilCaptured } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createTopicReader, type ReadRecord, type TopicReader } from '../support/topicReader';

/**
 * Every row change on the contract tables reaches Kafka as the right Debezium event. The test
 * registers its own copy of connectors/im-write.json (own slot, publication and topic prefix),
 * so it sees only its own changes and leaves nothing behind.
 */

interface ChangeEvent {
  op: 'c' | 'u' | 'd' | 'r';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: { table: string; lsn: bigint; txId: bigint; ts_ms: bigint };
  transaction: { id: string; total_order: bigint } | null;
}

const TABLES = ['users', 'channels', 'channel_members', 'messages', 'channel_read_records', 'friendships', 'channel_applications'];
// Ids above 2^53: JSON.parse would round these; the assertions compare exact bigints.
const BASE = 2n ** 60n + BigInt(Date.now()) * 1000n;
const id = (n: number) => BASE + BigInt(n);

/** Dropping a slot takes the replication privilege: the CDC role's. */
async function dropSlot(slot: string): Promise<void> {
  const cdc = new Client({ connectionString: stackEnv().cdcDatabaseUrl });
  await cdc.connect();
  try {
    await cdc.query('select pg_drop_replication_slot($1)', [slot]);
  } finally {
    await cdc.end();
  }
}

const env = stackEnv();
const name = uniqueName('cdc_test');
const prefix = name.replace(/_/g, '-');
const topic = (table: string) => `${prefix}.public.${table}`;
const registry = createConnectorRegistry({ connectUrl: env.connectUrl });
// The migrator: it writes the rows and owns the tables, so it may publish them for this connector.
const db = new Client({ connectionString: env.migratorWriteDatabaseUrl });
let reader: TopicReader;

const eventsFor = (table: string, keyMatch: (key: Record<string, unknown>) => boolean) => (r: ReadRecord) =>
  r.topic === topic(table) && r.key !== null && keyMatch(r.key as Record<string, unknown>);
const value = (r: ReadRecord) => r.value as ChangeEvent;

beforeAll(async () => {
  await db.connect();
  const definition = withOverrides(loadConnectorDefinition(), name, {
    'slot.name': name,
    'publication.name': name,
    'topic.prefix': prefix,
    // The test's own changes are all it needs; no snapshot of earlier rows.
    'snapshot.mode': 'no_data',
  });
  await ensurePublication(db, name, cdcTablesOf(definition).published);
  await registry.register(definition);
  // RUNNING is reported once the task has started; streaming begins when the slot is active.
  await waitFor(
    async () => {
      const slot = await db.query('select active from pg_replication_slots where slot_name = $1', [name]);
      return slot.rows[0]?.active === true ? true : undefined;
    },
    { what: `replication slot ${name} active`, timeoutMs: 60_000 },
  );

  // Seed one row per table so the connector creates every topic before the reader subscribes.
  await db.query('insert into users (id, nickname) values ($1, $2), ($3, $4), ($5, $6)', [id(1), 'ann', id(2), 'bob', id(3), 'cid']);
  await db.query('insert into channels (id, channel_type, channel_name, owner_user_id) values ($1, 2, $2, $3)', [id(10), 'team', id(1)]);
  await db.query('insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)', [id(10), id(1), id(2)]);
  await db.query("insert into messages (id, channel_id, seq, sender_id, content) values ($1, $2, 1, $3, 'hello')", [
    id(100),
    id(10),
    id(1),
  ]);
  await db.query('insert into channel_read_records (user_id, channel_id, last_read_seq) values ($1, $2, 0)', [id(2), id(10)]);
  await db.query('insert into friendships (user_id, friend_id) values ($1, $2), ($2, $1)', [id(1), id(3)]);
  await db.query(
    "insert into channel_applications (id, applicant_id, target_type, target_id, message, status) values ($1, $2, 2, $3, 'let me in', 0)",
    [id(200), id(3), id(10)],
  );

  reader = await createTopicReader({ brokers: env.kafkaBrokers, topics: TABLES.map(topic) });
});

afterAll(async () => {
  await reader?.stop();
  await db.end();
});

describe('Debezium change events on the real stack', () => {
  it('an inserted user arrives as a create keyed by id, with every column and ids intact above 2^53', async () => {
    const [created] = await reader.until(
      eventsFor('users', (k) => k.id === id(1)),
      1,
    );
    expect(created?.key).toEqual({ id: id(1) });
    const event = value(created!);
    expect(event.op).toBe('c');
    expect(event.before).toBeNull();
    expect(event.after).toMatchObject({ id: id(1), nickname: 'ann', avatar: '', profile_ver: 1n });
    expect(event.after?.created_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/));
    expect(event.source).toMatchObject({ table: 'users' });
    expect(typeof event.source.lsn).toBe('bigint');
    expect(event.transaction?.id).toEqual(expect.stringContaining(String(event.source.txId)));
  });

  it('a profile change arrives as an update carrying the new values and version', async () => {
    await db.query(
      "update users set nickname = 'ann2', avatar = 'a.png', profile_ver = profile_ver + 1, updated_at = now() where id = $1",
      [id(1)],
    );
    const events = await reader.until(
      eventsFor('users', (k) => k.id === id(1)),
      2,
    );
    const update = value(events[1]!);
    expect(update.op).toBe('u');
    expect(update.after).toMatchObject({ nickname: 'ann2', avatar: 'a.png', profile_ver: 2n });
    // users has REPLICA IDENTITY FULL (for unchanged TOASTed values, see connectors/README.md):
    // updates carry the old row as before.
    expect(update.before).toMatchObject({ nickname: 'ann', avatar: '', profile_ver: 1n });
  });

  it('channel and member changes arrive, members keyed by channel_id', async () => {
    await db.query("update channels set channel_name = 'renamed', channel_info_ver = channel_info_ver + 1 where id = $1", [id(10)]);
    await db.query('update channel_members set is_pinned = true, member_ver = member_ver + 1 where channel_id = $1 and user_id = $2', [
      id(10),
      id(2),
    ]);

    const channel = await reader.until(
      eventsFor('channels', (k) => k.id === id(10)),
      2,
    );
    expect(channel.map((r) => value(r).op)).toEqual(['c', 'u']);
    expect(value(channel[1]!).after).toMatchObject({
      channel_name: 'renamed',
      channel_info_ver: 2n,
      channel_type: 2n,
      owner_user_id: id(1),
    });

    const members = await reader.until(
      eventsFor('channel_members', (k) => k.channel_id === id(10)),
      3,
    );
    expect(members.every((r) => JSON.stringify(Object.keys(r.key as object)) === '["channel_id"]')).toBe(true);
    expect(new Set(members.map((r) => r.partition)).size).toBe(1);
    const pinned = value(members[2]!);
    expect(pinned.op).toBe('u');
    expect(pinned.after).toMatchObject({ user_id: id(2), is_pinned: true, member_ver: 2n, left_at: null });
  });

  it("a channel's messages arrive on one partition in seq order, keyed by channel_id", async () => {
    // Separate transactions, as separate sends would commit.
    for (let seq = 2; seq <= 30; seq += 1) {
      await db.query('insert into messages (id, channel_id, seq, sender_id, content) values ($1, $2, $3, $4, $5)', [
        id(100 + seq),
        id(10),
        seq,
        seq % 2 === 0 ? id(1) : id(2),
        `message ${seq}`,
      ]);
    }
    await db.query('update messages set recalled_at = now() where id = $1', [id(105)]);

    const events = await reader.until(
      eventsFor('messages', (k) => k.channel_id === id(10)),
      31,
    );
    expect(new Set(events.map((r) => r.partition)).size).toBe(1);
    const creates = events.map(value).filter((e) => e.op === 'c');
    expect(creates.map((e) => e.after?.seq)).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
    const recall = value(events[30]!);
    expect(recall.op).toBe('u');
    expect(recall.after).toMatchObject({ id: id(105), seq: 5n, recalled_at: expect.any(String) });
  });

  it('read records arrive keyed by user_id', async () => {
    await db.query('update channel_read_records set last_read_seq = 30, updated_at = now() where user_id = $1 and channel_id = $2', [
      id(2),
      id(10),
    ]);
    const events = await reader.until(
      eventsFor('channel_read_records', (k) => k.user_id === id(2)),
      2,
    );
    expect(events[0]?.key).toEqual({ user_id: id(2) });
    expect(events.map((r) => value(r).after?.last_read_seq)).toEqual([0n, 30n]);
  });

  it('an unfriend arrives as delete events with the key in before and no tombstone', async () => {
    await db.query("update friendships set remark_name = 'C', friend_ver = friend_ver + 1 where user_id = $1 and friend_id = $2", [
      id(1),
      id(3),
    ]);
    await db.query('delete from friendships where (user_id = $1 and friend_id = $2) or (user_id = $2 and friend_id = $1)', [id(1), id(3)]);

    const forward = await reader.until(
      eventsFor('friendships', (k) => k.user_id === id(1) && k.friend_id === id(3)),
      3,
    );
    expect(forward.map((r) => value(r)?.op)).toEqual(['c', 'u', 'd']);
    expect(value(forward[1]!).after).toMatchObject({ remark_name: 'C', friend_ver: 2n });
    const deleted = value(forward[2]!);
    expect(deleted.after).toBeNull();
    expect(deleted.before).toMatchObject({ user_id: id(1), friend_id: id(3) });
    expect(forward[2]?.key).toEqual({ user_id: id(1), friend_id: id(3) });

    const backward = await reader.until(
      eventsFor('friendships', (k) => k.user_id === id(3) && k.friend_id === id(1)),
      2,
    );
    expect(backward.map((r) => value(r)?.op)).toEqual(['c', 'd']);
    // Both rows were deleted in one statement: one source transaction.
    expect(value(backward[1]!).source.txId).toBe(deleted.source.txId);
    expect(reader.records.filter((r) => r.topic === topic('friendships') && r.value === null)).toEqual([]);
  });

  it('channel applications arrive as create and update', async () => {
    await db.query('update channel_applications set status = 1, handled_at = now() where id = $1', [id(200)]);
    const events = await reader.until(
      eventsFor('channel_applications', (k) => k.id === id(200)),
      2,
    );
    expect(events.map((r) => value(r).op)).toEqual(['c', 'u']);
    expect(value(events[0]!).after).toMatchObject({
      applicant_id: id(3),
      target_type: 2n,
      target_id: id(10),
      message: 'let me in',
      status: 0n,
    });
    expect(value(events[1]!).after).toMatchObject({ status: 1n, handled_at: expect.any(String) });
  });

  it('removing the connector and its slot leaves no slot or publication behind', async () => {
    await reader.stop();
    expect(await registry.remove(name)).toBe(true);
    await waitFor(
      async () => {
        const slot = await db.query('select active from pg_replication_slots where slot_name = $1', [name]);
        if (slot.rowCount === 0) return true;
        if (slot.rows[0]?.active === true) return undefined;
        await dropSlot(name);
        return true;
      },
      { what: `slot ${name} released`, timeoutMs: 60_000 },
    );
    await db.query(`drop publication if exists "${name}"`);

    const kafka = new Kafka({ clientId: 'test-cleanup', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) || t === `__debezium-heartbeat.${prefix}`);
    await admin.deleteTopics({ topics: ours });
    await admin.disconnect();

    const slots = await db.query('select slot_name from pg_replication_slots where slot_name = $1', [name]);
    const publications = await db.query('select pubname from pg_publication where pubname = $1', [name]);
    expect(slots.rowCount).toBe(0);
    expect(publications.rowCount).toBe(0);
  });
});

describe('the pipeline connector im-write', () => {
  it('moves its slot past new WAL, so the write side does not pin WAL', async () => {
    const pool = new Pool({ connectionString: env.writeDatabaseUrl, max: 1 });
    try {
      await pool.query("insert into users (id, nickname) values ($1, 'wal-probe')", [id(999)]);
      await waitUntilCaptured(pool);
    } finally {
      await pool.end();
    }
  });
});
