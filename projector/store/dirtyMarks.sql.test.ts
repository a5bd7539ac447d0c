import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { PoolClient } from 'pg';
import { READ_MIGRATIONS } from '../db/migrateReadDatabase';
import { clearBuiltMarks, oldestDirtyMarks, recordDirtyMarks } from './dirtyMarks';
import { pgliteTestPool, type PgliteTestPool } from './pgliteTestPool';
import type { Transaction } from '../../infra/db/transaction';

/** The marks' source times, which commit→view latency is measured from (cb8d597's review). */

let db: PgliteTestPool;
let client: PoolClient;
const channel = { kind: 'channel', channelId: 7n } as const;

beforeAll(async () => {
  db = await pgliteTestPool();
  await migrate(drizzle({ client: db.pglite }), { migrationsFolder: READ_MIGRATIONS });
  client = await db.pool.connect();
});

afterAll(async () => {
  client.release();
  await db.close();
});

beforeEach(async () => {
  await client.query('delete from projection_dirty');
});

it('given a key marked twice before it is built, then it keeps the earlier source time', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  await recordDirtyMarks(client, [channel], 2_000);
  const [taken] = await oldestDirtyMarks(client as Transaction, 10);
  expect(taken?.sourceTsMs).toBe(1_000);
});

it('given a key marked again while a pass built it, when the pass clears, then the mark stays with the later source time only', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  const taken = await oldestDirtyMarks(client as Transaction, 10);
  await recordDirtyMarks(client, [channel], 3_000);
  await clearBuiltMarks(client, taken);
  const [kept] = await oldestDirtyMarks(client as Transaction, 10);
  expect(kept?.sourceTsMs).toBe(3_000);
});

it('given a key not marked again during the pass, when the pass clears, then the mark is gone', async () => {
  await recordDirtyMarks(client, [channel], 1_000);
  await clearBuiltMarks(client, await oldestDirtyMarks(client as Transaction, 10));
  expect(await oldestDirtyMarks(client as Transaction, 10)).toEqual([]);
});

it('given a batch that works a while before it marks, then the mark is stamped when written, not when the batch began', async () => {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ began_ms: number }>('select (extract(epoch from now()) * 1000)::float8 as began_ms');
    await client.query('select pg_sleep(0.1)');
    await recordDirtyMarks(client, [channel], 1_000);
    const [taken] = await oldestDirtyMarks(client as Transaction, 10);
    expect(taken?.markedAtMs).toBeGreaterThanOrEqual((rows[0]?.began_ms ?? 0) + 100);
  } finally {
    await client.query('rollback');
  }
});
