import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; migrations are applied by migrateWriteDatabase at start-up.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/db/writeSchema.ts',
  out: './services/db/migrations',
});
