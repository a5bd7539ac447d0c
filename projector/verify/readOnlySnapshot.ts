import type { ClientBase } from 'pg';

/**
 * Runs `work` in one REPEATABLE READ, READ ONLY transaction: every view of a run is read from
 * the same snapshot of its database, and nothing can be written by mistake.
 *
 * The snapshot is held for the whole run; on a busy im_write that holds back vacuum for as long,
 * which is the price of comparing a consistent state.
 */
export async function inReadOnlySnapshot<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read, read only');
  try {
    // Text output of timestamptz depends on these; both sides must print instants alike.
    await client.query(`set local timezone = 'UTC'`);
    await client.query(`set local datestyle = 'ISO, YMD'`);
    // Every cursor is read to its end, so plan for all rows, not the first 10% (the default).
    await client.query('set local cursor_tuple_fraction = 1');
    // The first FETCH of a sorted cursor does the whole sort, and this side waits idle in the
    // transaction while the other side fetches: on a large install either can outlast the
    // short timeouts a service role is often given.
    await client.query('set local statement_timeout = 0');
    await client.query('set local idle_in_transaction_session_timeout = 0');
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
