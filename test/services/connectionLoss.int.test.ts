import { Pool } from 'pg';
import pino from 'pino';
import { createReadPool } from '../../projector/db/readPool';
import { createWritePool } from '../../services/db/writePool';
import { stackDatabaseUrl, stackEnv } from '../support/stackEnv';

/**
 * A database server that goes away while a connection is checked out (a crash in the middle of
 * a transaction) must fail that statement, not the process: an 'error' event nobody listens to
 * ends a node process. The connection's backend is ended from another session here, which is
 * what a server crash does to it.
 */

const env = stackEnv();
// Ending another role's backend takes the superuser (or that role itself).
const admin = new Pool({ connectionString: stackDatabaseUrl('im_write', 'superuser'), max: 1 });

afterAll(async () => {
  await admin.end();
});

test.each([
  [
    'the services write pool',
    () => createWritePool({ config: { writeDatabaseUrl: env.writeDatabaseUrl, databasePoolSize: 2 }, logger: pino({ level: 'silent' }) }),
  ],
  ['the projector read pool', () => createReadPool(env.readDatabaseUrl, 2)],
])(
  'given %s with a connection in a transaction, when the server ends it, then the statement fails and the pool serves again',
  async (_name, makePool) => {
    const pool = makePool();
    const client = await pool.connect();
    await client.query('begin');
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');

    await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);

    const again = await pool.query<{ one: number }>('select 1 as one');
    expect(again.rows[0]!.one).toBe(1);
    await pool.end();
  },
);
