import path from 'node:path';
import { migrateDatabase } from '../../infra/db/migrateDatabase';

/** Applies the drizzle-kit migrations in services/db/migrations to im_write. Idempotent. */
export function migrateWriteDatabase(databaseUrl: string): Promise<void> {
  return migrateDatabase(databaseUrl, path.join(__dirname, 'migrations'));
}
