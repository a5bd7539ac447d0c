import { Client } from 'pg';
import type { StackConfig } from '../../infra/stack/config';

/** Throwaway databases on the stack's PostgreSQL, made and dropped by a benchmark. */
export function createBenchDatabases(config: StackConfig) {
  const pg = config.postgres;
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ host: pg.host, port: pg.port, user: 'postgres', password: pg.superPassword, database: 'postgres' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const url = (name: string) => `postgres://${pg.user}:${pg.password}@${pg.host}:${pg.port}/${name}`;
  return {
    url,
    create: (name: string) => admin((c) => c.query(`create database ${name} owner ${pg.user}`)).then(() => url(name)),
    drop: (name: string) => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
