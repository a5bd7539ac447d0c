import type { Admin } from 'kafkajs';
import { Pool } from 'pg';
import { loadConnectorDefinition, withOverrides, type ConnectorDefinition } from '../../connectors/connectorDefinition';
import type { StackUrls } from '../../infra/stack/config';
import type { LocalStack } from '../../infra/stack/localStack';
import { waitFor } from '../../infra/stack/waitFor';
import { migrateWriteSide } from '../../infra/jobs/pipelineMigrations';
import type { createBenchDatabases } from './benchDatabases';

/**
 * A benchmark's own CDC: a write database `<id>_write`, migrated, captured by a connector of its
 * own (slot, publication and topic prefix `id`), streaming once this returns. `remove` takes all of
 * it away again: the connector, its slot, its topics, the database.
 */
export async function createBenchCapture({
  stack,
  urls,
  dbs,
  admin,
  id,
}: {
  stack: Pick<LocalStack, 'registry'>;
  urls: StackUrls;
  dbs: ReturnType<typeof createBenchDatabases>;
  admin: Admin;
  id: string;
}): Promise<{ readonly writeUrl: string; readonly database: string; readonly definition: ConnectorDefinition; remove(): Promise<void> }> {
  const database = `${id}_write`;
  const writeUrl = await dbs.create(database, 'write');
  const definition = withOverrides(loadConnectorDefinition(), id, {
    'database.dbname': database,
    'slot.name': id,
    'publication.name': id,
    'topic.prefix': id,
  });
  // Migrations, the CDC role's grants and the connector's publication, as the stack's own.
  await migrateWriteSide(writeUrl, definition);
  await stack.registry.register(definition);
  const pool = new Pool({ connectionString: writeUrl });
  try {
    await waitFor(
      async () =>
        (await pool.query('select 1 from pg_replication_slots where slot_name = $1 and active', [id])).rowCount === 1 ? true : undefined,
      { what: 'bench slot active', timeoutMs: 60_000 },
    );
  } finally {
    await pool.end();
  }

  return {
    writeUrl,
    database,
    definition,
    async remove() {
      await stack.registry.remove(id).catch(() => false);
      await waitFor(
        async () => {
          const server = new Pool({ connectionString: urls.CDC_DATABASE_URL });
          try {
            const slot = await server.query('select active from pg_replication_slots where slot_name = $1', [id]);
            if (slot.rowCount === 0) return true;
            if (slot.rows[0]?.active === true) return undefined;
            await server.query('select pg_drop_replication_slot($1)', [id]);
            return true;
          } finally {
            await server.end();
          }
        },
        { what: 'bench slot dropped', timeoutMs: 60_000 },
      ).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
      const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${id}.`) || t.endsWith(`.${id}`));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
      await dbs.drop(database).catch(() => undefined);
    },
  };
}
