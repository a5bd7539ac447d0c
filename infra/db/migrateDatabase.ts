import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';

// Any constant works; it only keeps two starting processes from migrating one database at once.
export const MIGRATION_LOCK = 7_245_001;

/**
 * Applies a folder of drizzle migrations (journal + SQL) under an advisory lock. Idempotent.
 * `migrationsSchema` is where drizzle records what it applied (its default, `drizzle`, unless a
 * set of tables in another schema keeps its own record).
 */
export async function migrateDatabase(databaseUrl: string, migrationsFolder: string, migrationsSchema?: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('set client_min_messages = warning');
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder, ...(migrationsSchema === undefined ? {} : { migrationsSchema }) });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
