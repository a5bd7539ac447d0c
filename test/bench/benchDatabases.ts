import { Client } from 'pg';
import { PIPELINE_ROLES } from '../../infra/db/pipelineRoles';
import type { StackConfig } from '../../infra/stack/config';
import { loadStackSecrets } from '../../infra/stack/stackSecrets';

/**
 * Throwaway databases on the stack's PostgreSQL, made and dropped by a benchmark: a write side
 * owned by the migrations role, a read side owned by the projector's, as im_write and im_read are.
 * The URL returned is the owner's.
 */
export function createBenchDatabases(config: StackConfig) {
  const pg = config.postgres;
  const secrets = loadStackSecrets(config.stateDir);
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ host: pg.host, port: pg.port, user: 'postgres', password: secrets.superuser, database: 'postgres' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const ownerOf = { write: 'migrator', read: 'projector' } as const;
  const url = (name: string, side: 'write' | 'read') => {
    const role = ownerOf[side];
    return `postgres://${PIPELINE_ROLES[role].name}:${encodeURIComponent(secrets.roles[role])}@${pg.host}:${pg.port}/${name}`;
  };
  return {
    url,
    create: (name: string, side: 'write' | 'read') =>
      admin((c) => c.query(`create database ${name} owner ${PIPELINE_ROLES[ownerOf[side]].name}`)).then(() => url(name, side)),
    drop: (name: string) => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
