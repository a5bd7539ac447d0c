import type { ClientBase } from 'pg';

/**
 * One PostgreSQL role per job. Each part of the pipeline connects as the role of its job, and a
 * role can do that job and nothing else. The stack (as superuser) and the production migrations job
 * (given an admin URL) make them; the grants on tables follow each migration.
 */
export const PIPELINE_ROLES = {
  migrator: { name: 'im_migrator', job: 'DDL: owns im_write and its objects, runs both databases’ migrations (im_read’s as im_projector)' },
  writer: { name: 'im_writer', job: 'the write services: SELECT, INSERT, UPDATE, DELETE on the contract’s write tables' },
  cdc: { name: 'im_cdc', job: 'Debezium: replication, SELECT on the published tables, writes to its signal and heartbeat tables' },
  projector: { name: 'im_projector', job: 'owns im_read and everything in it; cannot connect to im_write' },
  reader: { name: 'im_reader', job: 'the query API: SELECT on the four contract tables of im_read' },
  verifier: { name: 'im_verifier', job: 'verify, lag and a rebuild’s check: reads both databases (pg_read_all_data)' },
  monitor: { name: 'im_monitor', job: 'the postgres-exporter: pg_monitor, connects to im_write' },
} as const;

export type PipelineRole = keyof typeof PIPELINE_ROLES;
export const PIPELINE_ROLE_KEYS = Object.keys(PIPELINE_ROLES) as readonly PipelineRole[];

/** Who may connect to which database (CONNECT is taken from PUBLIC). */
const CONNECTS: Readonly<Record<'write' | 'read', readonly PipelineRole[]>> = {
  write: ['migrator', 'writer', 'cdc', 'verifier', 'monitor'],
  read: ['migrator', 'projector', 'reader', 'verifier'],
};

export interface PipelineDatabases {
  readonly writeDatabase: string;
  readonly readDatabase: string;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const qualified = (table: string): string =>
  table
    .split('.')
    .map((part) => ident(part))
    .join('.');
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Makes the roles (or sets their passwords, which rotates them), both databases with their owners,
 * and who may connect to which. `admin` is a superuser, or a role with CREATEROLE and CREATEDB
 * that may grant pg_monitor and pg_read_all_data. Idempotent.
 */
export async function ensurePipelineRoles(
  admin: ClientBase,
  passwords: Readonly<Record<PipelineRole, string>>,
  databases: PipelineDatabases,
): Promise<void> {
  for (const key of PIPELINE_ROLE_KEYS) {
    const { name } = PIPELINE_ROLES[key];
    const attributes = `login nosuperuser nocreatedb nocreaterole ${key === 'cdc' ? 'replication' : 'noreplication'} password ${literal(passwords[key])}`;
    const exists = await admin.query('select 1 from pg_roles where rolname = $1', [name]);
    await admin.query(`${exists.rowCount === 0 ? 'create' : 'alter'} role ${ident(name)} ${attributes}`);
  }
  const r = (key: PipelineRole) => ident(PIPELINE_ROLES[key].name);
  // The migrations job runs im_read's migrations as the projector, which owns that side.
  await admin.query(`grant ${r('projector')} to ${r('migrator')}`);
  await admin.query(`grant pg_read_all_data to ${r('verifier')}`);
  await admin.query(`grant pg_monitor to ${r('monitor')}`);
  const owners = { write: 'migrator', read: 'projector' } as const;
  for (const side of ['write', 'read'] as const) {
    const database = side === 'write' ? databases.writeDatabase : databases.readDatabase;
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database ${ident(database)} owner ${r(owners[side])}`);
    else await admin.query(`alter database ${ident(database)} owner to ${r(owners[side])}`);
    await admin.query(`revoke connect, temporary on database ${ident(database)} from public`);
    const others = PIPELINE_ROLE_KEYS.filter((key) => !CONNECTS[side].includes(key));
    if (others.length > 0) await admin.query(`revoke connect on database ${ident(database)} from ${others.map(r).join(', ')}`);
    await admin.query(`grant connect on database ${ident(database)} to ${CONNECTS[side].map(r).join(', ')}`);
  }
}

/** The connector's tables, as its configuration names them (`public.users`, ...). */
export interface CdcTables {
  readonly published: readonly string[];
  /** Tables Debezium writes: its signal table (watermarks) and its heartbeat table. */
  readonly writtenByCdc: readonly string[];
  readonly publication: string;
}

/**
 * im_write's grants, by its owner (the migrator) after its migrations: the writer's DML on the
 * contract's tables, the CDC role's reads and its two tables, and the publication Debezium reads
 * (made here because only a table's owner may publish it; the connector does not create it).
 */
export async function grantWriteSide(owner: ClientBase, tables: CdcTables): Promise<void> {
  const r = (key: PipelineRole) => ident(PIPELINE_ROLES[key].name);
  const contractTables = tables.published.filter((t) => !tables.writtenByCdc.includes(t));
  await owner.query(`grant select, insert, update, delete on ${contractTables.map(qualified).join(', ')} to ${r('writer')}`);
  await owner.query(`grant select on ${tables.published.map(qualified).join(', ')} to ${r('cdc')}`);
  await owner.query(`grant insert, update, delete on ${tables.writtenByCdc.map(qualified).join(', ')} to ${r('cdc')}`);
  await ensurePublication(owner, tables.publication, tables.published);
}

/** The publication Debezium streams (only the tables' owner may make or change it). Idempotent. */
export async function ensurePublication(owner: ClientBase, publication: string, tables: readonly string[]): Promise<void> {
  const list = tables.map(qualified).join(', ');
  const existing = await owner.query('select 1 from pg_publication where pubname = $1', [publication]);
  await owner.query(
    existing.rowCount === 0
      ? `create publication ${ident(publication)} for table ${list}`
      : `alter publication ${ident(publication)} set table ${list}`,
  );
}
