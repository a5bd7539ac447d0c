import fs from 'node:fs';
import { Client, Pool } from 'pg';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { cdcRecoveryFile } from '../../infra/stack/cdcRecoveryState';
import { loadStackConfig } from '../../infra/stack/config';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { runCli, startCli } from '../support/cliProcess';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackDatabaseUrl, stackEnv, uniqueName } from '../support/stackEnv';
import { expectViewsMatchContract } from '../support/viewsMatchContract';
import { createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * A lost replication slot, made for real: the connector is stopped, the slot's WAL allowance is
 * shrunk to 1 MB and enough WAL written for a checkpoint to invalidate it (`wal_status = lost`).
 * Changes made meanwhile — a rename, a message, a new friendship and an unfriend (a DELETE) — can
 * never be streamed. `npm run stack -- recover-cdc` brings the pipeline back, and the views end
 * equal to the contract, the unfriend included, also when its first run is killed mid-way.
 */

const env = stackEnv();
const group = uniqueName('recover_cdc');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const read = createReadPool(env.readDatabaseUrl);
const registry = createConnectorRegistry({ connectUrl: env.connectUrl });
const [ann, bob, cat, dan] = [freshId(), freshId(), freshId(), freshId()] as const;
const users = [ann, bob, cat, dan];
const direct = freshId();
const projector = startProjectorProcess({
  PROJECTOR_DATABASE_URL: env.readDatabaseUrl,
  KAFKA_BROKERS: env.kafkaBrokers.join(','),
  PROJECTOR_GROUP_ID: group,
  DEAD_LETTER_TOPIC: `${group}.dead-letters`,
});

const runStackCli = (args: string[]) => runCli('infra/stack/main.ts', args);

/** The cluster's superuser: only it may change max_slot_wal_keep_size. */
async function superuser(): Promise<Client> {
  const client = new Client({ connectionString: stackDatabaseUrl('im_write', 'superuser') });
  await client.connect();
  return client;
}

async function befriend(a: bigint, b: bigint): Promise<void> {
  await writePool.query('insert into friendships (user_id, friend_id) values ($1, $2), ($2, $1)', [String(a), String(b)]);
}

async function slotStatus(): Promise<string | undefined> {
  const { rows } = await writePool.query<{ wal_status: string }>(
    `select wal_status from pg_replication_slots where slot_name = 'im_write_cdc'`,
  );
  return rows[0]?.wal_status;
}

/** What the stack's postgres-exporter says of the slot: pg_replication_slot_lost, as Prometheus would scrape it. */
async function slotLostMetric(): Promise<string | undefined> {
  const { host, port } = loadStackConfig().postgresExporter;
  const text = await (await fetch(`http://${host}:${port}/metrics`)).text();
  return /^pg_replication_slot_lost\{[^}]*slot_name="im_write_cdc"[^}]*\} (\S+)$/m.exec(text)?.[1];
}

beforeAll(async () => {
  await createUsers(writePool, users, group);
  await befriend(ann, bob);
  await befriend(ann, cat);
  const client = await writePool.connect();
  try {
    await client.query('begin');
    await client.query('insert into channels (id, channel_type) values ($1, 1)', [String(direct)]);
    await client.query('insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)', [
      String(direct),
      String(ann),
      String(bob),
    ]);
    await client.query('commit');
  } finally {
    client.release();
  }
  await sendMessages(writePool, direct, [ann, bob], 3);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
});

afterAll(async () => {
  // Whatever happened above, later tests need the setting back and a connector that streams.
  const admin = await superuser();
  await admin.query('alter system reset max_slot_wal_keep_size');
  await admin.query('select pg_reload_conf()');
  await admin.end();
  if ((await registry.status('im-write'))?.connector.state === 'STOPPED') await registry.resume('im-write');
  // A run that failed mid-way leaves its state, which keeps the watchdog away from the connector.
  fs.rmSync(cdcRecoveryFile(loadStackConfig().stateDir), { force: true });
  projector.child.kill('SIGTERM');
  await projector.exited;
  await Promise.all([writePool.end(), read.end()]);
});

it('after the slot is lost, status says so; recover-cdc streams again and the views converge, deletes made meanwhile included', async () => {
  await registry.stop('im-write');
  // Connect says STOPPED before the task has closed its replication connection: until it has,
  // the writes below could still be streamed.
  await waitFor(
    async () => {
      const { rows } = await writePool.query(`select 1 from pg_replication_slots where slot_name = 'im_write_cdc' and not active`);
      return rows.length === 1 ? true : undefined;
    },
    { what: 'the stopped task to let go of the slot', timeoutMs: 30_000 },
  );

  // The gap: nothing of this can ever be streamed from the old slot.
  await writePool.query(`update users set nickname = 'bob renamed', profile_ver = profile_ver + 1 where id = $1`, [String(bob)]);
  await sendMessages(writePool, direct, [bob], 1);
  await writePool.query('delete from friendships where (user_id, friend_id) in (($1, $2), ($2, $1))', [String(ann), String(cat)]);
  await befriend(ann, dan);

  const admin = await superuser();
  try {
    await admin.query(`alter system set max_slot_wal_keep_size = '1MB'`);
    await admin.query('select pg_reload_conf()');
    for (let i = 0; i < 3; i += 1) {
      await admin.query('create temporary table wal_filler as select g from generate_series(1, 20000) g');
      await admin.query('drop table wal_filler');
      await admin.query('select pg_switch_wal()');
    }
    await admin.query('checkpoint');
    await admin.query('alter system reset max_slot_wal_keep_size');
    await admin.query('select pg_reload_conf()');
  } finally {
    await admin.end();
  }
  expect(await slotStatus()).toBe('lost');
  expect(await slotLostMetric()).toBe('1');

  const status = await runStackCli(['status']);
  expect(status.status).toBe(3);
  expect(status.stdout).toMatch(/connector\s+STALLED.*replication slot im_write_cdc is lost.*npm run stack -- recover-cdc/);

  // A first run is killed (SIGKILL) right after it stopped the connector: status must say so,
  // and nobody else may start the connector meanwhile.
  const killed = startCli('infra/stack/main.ts', ['recover-cdc', '--group', group], {}, (soFar) => {
    if (soFar.includes('connector im-write stopped')) killed.kill('SIGKILL');
  });
  expect((await killed.done).status).toBeNull();
  const interrupted = await runStackCli(['status']);
  expect(interrupted.status).toBe(3);
  expect(interrupted.stdout).toMatch(/connector\s+STALLED.*recover-cdc started .* run `npm run stack -- recover-cdc` again to finish/);

  const recovery = await runStackCli(['recover-cdc', '--group', group, '--timeout', '240']);
  expect(recovery.stdout).toMatch(/^finishing the recovery started .* \(phase stopping\)$/m);
  expect(recovery.stderr).toBe('');
  expect(recovery.status).toBe(0);
  expect(recovery.stdout).toMatch(/^replication slot im_write_cdc dropped$/m);
  expect(recovery.stdout).toMatch(/^public\.friendships: done, \d+ rows/m);
  // At least Ann's and Cat's two rows; friendships other tests deleted without a projector running may add to it.
  expect(Number(/^(\d+) friendships deleted while the slot was lost were retired$/m.exec(recovery.stdout)?.[1])).toBeGreaterThanOrEqual(2);
  expect(await slotStatus()).toBe('reserved');
  expect(await slotLostMetric()).toBe('0');

  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  const contacts = await read.query<{ contact_user_id: string; nickname: string }>(
    'select contact_user_id::text, nickname from user_contact_view where user_id = $1 order by contact_user_id',
    [String(ann)],
  );
  expect(contacts.rows).toEqual([
    { contact_user_id: String(bob), nickname: 'bob renamed' },
    { contact_user_id: String(dan), nickname: `${group}-4` },
  ]);
  await expectViewsMatchContract(users);

  // Streaming again: a change after the recovery reaches the views as usual.
  await writePool.query(`update users set nickname = 'bob again', profile_ver = profile_ver + 1 where id = $1`, [String(bob)]);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(read, env.kafkaBrokers, group);
  await expectViewsMatchContract(users);
  expect((await runStackCli(['status'])).status).toBe(0);
});

it('says there is nothing to recover while the slot is healthy, and changes nothing', async () => {
  const run = await runStackCli(['recover-cdc', '--group', group]);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('replication slot im_write_cdc is reserved, not lost: nothing to recover');
});
