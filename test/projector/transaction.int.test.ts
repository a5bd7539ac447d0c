import { createReadPool } from '../../projector/db/readPool';
import { inTransaction, withSavepoint } from '../../infra/db/transaction';
import { stackEnv } from '../support/stackEnv';

/**
 * The projector's one transaction helper, against PostgreSQL: the work decides between commit
 * and rollback, an error rolls back and reaches the caller, and a transaction an error aborted
 * is never reported as committed. One connection, so the temporary table is always there.
 */

const pool = createReadPool(stackEnv().readDatabaseUrl, 1);

beforeAll(async () => {
  await pool.query('create temporary table tx_probe (id text primary key)');
});

afterAll(async () => {
  await pool.end();
});

const ids = async (): Promise<string[]> => (await pool.query<{ id: string }>('select id from tx_probe order by id')).rows.map((r) => r.id);

test('given work that commits, when it ends, then its writes are there and its value returned', async () => {
  const value = await inTransaction(pool, async (tx) => {
    await tx.query("insert into tx_probe values ('committed')");
    return { commit: true, value: 42 };
  });
  expect(value).toBe(42);
  expect(await ids()).toContain('committed');
});

test('given work that decides to roll back, when it ends, then nothing it wrote stays', async () => {
  await inTransaction(pool, async (tx) => {
    await tx.query("insert into tx_probe values ('rolled-back')");
    return { commit: false, value: undefined };
  });
  expect(await ids()).not.toContain('rolled-back');
});

test('given work that throws, when it ends, then its writes are undone and the error reaches the caller', async () => {
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.query("insert into tx_probe values ('thrown')");
      throw new Error('work failed');
    }),
  ).rejects.toThrow('work failed');
  expect(await ids()).not.toContain('thrown');
});

test('given a transaction an error aborted, when the work still asks to commit, then the caller is told it was rolled back', async () => {
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.query("insert into tx_probe values ('aborted')");
      await tx.query("insert into tx_probe values ('aborted')").catch(() => undefined); // duplicate key: aborted
      return { commit: true, value: undefined };
    }),
  ).rejects.toThrow(/rolled back at commit/);
  expect(await ids()).not.toContain('aborted');
});

test('given a savepoint whose work fails, when the transaction goes on, then only that work is undone', async () => {
  await inTransaction(pool, async (tx) => {
    await tx.query("insert into tx_probe values ('kept')");
    await expect(withSavepoint(tx, 'one', () => tx.query("insert into tx_probe values ('kept')"))).rejects.toThrow(/duplicate key/);
    await tx.query("insert into tx_probe values ('after')");
    return { commit: true, value: undefined };
  });
  expect(await ids()).toEqual(expect.arrayContaining(['kept', 'after']));
});
