import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import type { ConnectorRegistry } from '../../connectors/connectorRegistry';
import { waitFor } from '../../infra/stack/waitFor';

/**
 * Takes a connector of a test's or a benchmark's own away with its replication slot: removed from
 * Connect, then the slot dropped once its walsender has let go (as the CDC role, which may).
 */
export async function removeConnectorAndSlot({
  connectors,
  name,
  slot,
  cdcDatabaseUrl,
}: {
  connectors: Pick<ConnectorRegistry, 'remove'>;
  name: string;
  slot: string;
  cdcDatabaseUrl: string;
}): Promise<void> {
  await connectors.remove(name).catch(() => false);
  const cdc = new Client({ connectionString: cdcDatabaseUrl });
  await cdc.connect();
  try {
    await waitFor(
      async () => {
        const { rows } = await cdc.query<{ active: boolean }>('select active from pg_replication_slots where slot_name = $1', [slot]);
        if (rows[0] === undefined) return true;
        if (rows[0].active) return undefined;
        await cdc.query('select pg_drop_replication_slot($1)', [slot]);
        return true;
      },
      { what: `slot ${slot} released and dropped`, timeoutMs: 60_000 },
    );
  } finally {
    await cdc.end();
  }
}

/** Deletes the topics a connector with this topic prefix wrote (its tables' and its heartbeat topic). */
export async function deleteTopicsOfPrefix(admin: Admin, prefix: string): Promise<void> {
  const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) || t === `__debezium-heartbeat.${prefix}`);
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
}
