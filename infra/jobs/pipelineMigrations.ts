import { Client } from 'pg';
import { loadConnectorDefinition, type ConnectorDefinition } from '../../connectors/connectorDefinition';
import { migrateReadDatabase } from '../../projector/db/migrateReadDatabase';
import { migrateWriteDatabase } from '../../services/db/migrateWriteDatabase';
import { WRITE_TABLES } from '../../services/db/writeTables';
import { grantWriteSide, PIPELINE_ROLES, type CdcTables } from '../db/pipelineRoles';

/**
 * Both databases' migrations as the migrations role runs them, in the local stack and in the
 * production job: im_write's, then its grants and the publication; im_read's as the projector's
 * role, which owns that side (a rebuild makes and swaps its tables at run time).
 */

/** The tables the connector publishes, its signal table and its heartbeat table, from its definition. */
export function cdcTablesOf(definition: ConnectorDefinition): CdcTables {
  const setting = (key: string): string => {
    const value = definition.config[key];
    if (value === undefined || value === '') throw new Error(`connector ${definition.name}: ${key} is not set`);
    return value;
  };
  const published = setting('table.include.list').split(',');
  const heartbeat = /insert\s+into\s+([\w.]+)/i.exec(setting('heartbeat.action.query'))?.[1];
  if (heartbeat === undefined) throw new Error(`connector ${definition.name}: heartbeat.action.query names no table to insert into`);
  const signal = setting('signal.data.collection');
  const unpublished = [signal, heartbeat].filter((t) => !published.includes(t));
  if (unpublished.length > 0) throw new Error(`connector ${definition.name}: ${unpublished.join(', ')} not in table.include.list`);
  return { published, signal, heartbeat, publication: setting('publication.name') };
}

export async function migrateWriteSide(
  migratorWriteUrl: string,
  definition: ConnectorDefinition = loadConnectorDefinition(),
): Promise<void> {
  await migrateWriteDatabase(migratorWriteUrl);
  const client = new Client({ connectionString: migratorWriteUrl });
  await client.connect();
  try {
    await grantWriteSide(
      client,
      WRITE_TABLES.map((t) => `public.${t}`),
      cdcTablesOf(definition),
    );
  } finally {
    await client.end();
  }
}

/** The same connection, acting as the projector's role from its start (the migrator is a member). */
export function asProjector(migratorReadUrl: string): string {
  const url = new URL(migratorReadUrl);
  const given = url.searchParams.get('options');
  url.searchParams.set('options', [given, `-c role=${PIPELINE_ROLES.projector.name}`].filter((o) => o !== null && o !== '').join(' '));
  return url.toString();
}

export function migrateReadSide(migratorReadUrl: string, partitions: number): Promise<void> {
  return migrateReadDatabase(asProjector(migratorReadUrl), partitions);
}
