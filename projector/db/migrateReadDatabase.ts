import path from 'node:path';
import { Client } from 'pg';
import { migrateDatabase } from '../../infra/db/migrateDatabase';
import { ensureReadPartitions } from './ensureReadPartitions';
import { grantReaderAccess } from './grantReaderAccess';

/** The read side's drizzle migrations (journal + SQL). */
export const READ_MIGRATIONS = path.join(__dirname, 'migrations');

/**
 * Applies the read-side migrations (hand-written SQL: drizzle-kit cannot express PARTITION BY
 * HASH), then creates the hash partitions (ensureReadPartitions). A rebuild's version gives the
 * URL of its schema (readUrlInSchema) and keeps its own record of migrations there. Then the
 * query API's role gets its read access to the contract tables (grantReaderAccess).
 */
export async function migrateReadDatabase(databaseUrl: string, partitions: number, migrationsSchema?: string): Promise<void> {
  await migrateDatabase(databaseUrl, READ_MIGRATIONS, migrationsSchema);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await ensureReadPartitions(client, partitions);
    await grantReaderAccess(client);
  } finally {
    await client.end();
  }
}
