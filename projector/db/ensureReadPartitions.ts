import type { ClientBase } from 'pg';

/** The contract tables that are hash-partitioned, with their partition keys. */
export const PARTITIONED_TABLES = [
  'user_conversation_view',
  'user_contact_view',
  'conversation_reverse_index',
  'contact_reverse_index',
] as const;

/**
 * Creates the hash partitions of the contract tables once the migrations have made the tables.
 * The count is fixed when the tables are first made; asking for another count later is an error,
 * since rows would land in the wrong partitions.
 */
export async function ensureReadPartitions(client: ClientBase, partitions: number): Promise<void> {
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(7245002)');
    for (const table of PARTITIONED_TABLES) {
      const existing = await client.query<{ bound: string }>(
        `select pg_get_expr(c.relpartbound, c.oid) as bound
           from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = $1::regclass`,
        [table],
      );
      if (existing.rowCount !== null && existing.rowCount > 0) {
        const modulus = /modulus (\d+)/.exec(existing.rows[0]?.bound ?? '')?.[1];
        if (Number(modulus) !== partitions || existing.rowCount !== partitions) {
          throw new Error(
            `READ_PARTITIONS=${partitions}, but ${table} already has ${existing.rowCount} partitions of modulus ${modulus}; ` +
              'the partition count is fixed when the read tables are created (rebuild into a new database to change it)',
          );
        }
        continue;
      }
      for (let remainder = 0; remainder < partitions; remainder += 1) {
        await client.query(
          `create table ${table}_p${remainder} partition of ${table} for values with (modulus ${partitions}, remainder ${remainder})`,
        );
      }
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
