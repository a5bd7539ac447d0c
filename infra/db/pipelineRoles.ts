import type { ClientBase } from 'pg';
import { scramVerifier } from './scramVerifier';

/**
 * One PostgreSQL role per job. Each part of the pipeline connects as the role of its job, and a
 * role can do that job and nothing else. The stack (as superuser) and the production migrations job
 * (given an admin URL) make them; the grants on tables follow each migration.
 */
export const PIPELINE_ROLES = {
  migrator: { name: 'im_migrator', job: 'DDL: owns im_write and its objects, runs both databases’ migrations (im_read’s as im_projector)' },
  writer: { name: 'im_writer', job: 'the write services: SELECT, INSERT, UPDATE, DELETE on the contract’s write tables' },
  cdc: {
    name: 'im_cdc',
    job: 'Debezium: logical replication, SELECT on the published tables, INSERT into its signal table, INSERT and UPDATE on its heartbeat table',
  },
  projector: { name: 'im_projector', job: 'owns im_read and everything in it; cannot connect to im_write' },
  reader: { name: 'im_reader', job: 'the query API: SELECT on the four contract tables of im_read' },
  verifier: {
    name: 'im_verifier',
    job: 'verify, lag and a rebuild’s check: SELECT on the contract’s write tables and on the four contract tables',
  },
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

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const role = (key: PipelineRole): string => ident(PIPELINE_ROLES[key].name);
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const qualified = (table: string): string =>
  table
    .split('.')
    .map((part) => ident(part))
    .join('.');

/**
 * Makes the roles (or gives them the passwords passed, which rotates them), both databases with
 * their owners, and who may connect to which. `admin` must be a superuser: only a superuser may
 * give or take the REPLICATION attribute. Passwords travel as SCRAM verifiers, never in clear.
 * Idempotent.
 */
export async function ensurePipelineRoles(
  admin: ClientBase,
  passwords: Readonly<Record<PipelineRole, string>>,
  databases: PipelineDatabases,
): Promise<void> {
  for (const key of PIPELINE_ROLE_KEYS) {
    const { name } = PIPELINE_ROLES[key];
    const attributes = `login nosuperuser nocreatedb nocreaterole nobypassrls ${key === 'cdc' ? 'replication' : 'noreplication'}`;
    const exists = await admin.query('select 1 from pg_roles where rolname = $1', [name]);
    await admin.query(
      `${exists.rowCount === 0 ? 'create' : 'alter'} role ${ident(name)} ${attributes} password ${literal(scramVerifier(passwords[key]))}`,
    );
  }
  // The migrations job runs im_read's migrations as the projector, which owns that side.
  await admin.query(`grant ${role('projector')} to ${role('migrator')}`);
  await admin.query(`grant pg_monitor to ${role('monitor')}`);
  const owners = { write: 'migrator', read: 'projector' } as const;
  for (const side of ['write', 'read'] as const) {
    const database = side === 'write' ? databases.writeDatabase : databases.readDatabase;
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database ${ident(database)} owner ${role(owners[side])}`);
    else await admin.query(`alter database ${ident(database)} owner to ${role(owners[side])}`);
    await admin.query(`revoke connect, temporary on database ${ident(database)} from public`);
    const others = PIPELINE_ROLE_KEYS.filter((key) => !CONNECTS[side].includes(key));
    await admin.query(`revoke connect on database ${ident(database)} from ${others.map(role).join(', ')}`);
    await admin.query(`grant connect on database ${ident(database)} to ${CONNECTS[side].map(role).join(', ')}`);
  }
}

/** The connector's tables, as its configuration names them (`public.users`, ...). */
export interface CdcTables {
  readonly published: readonly string[];
  readonly signal: string;
  readonly heartbeat: string;
  readonly publication: string;
}

/**
 * im_write's grants, by its owner (the migrator) after its migrations: the writer's DML on the
 * contract's write tables, the verifier's reads, the CDC role's reads and its two tables, and the
 * publication Debezium reads (made here because only a table's owner may publish it; the
 * connector does not create it). Nobody else may create objects in schema public.
 */
export async function grantWriteSide(owner: ClientBase, writeTables: readonly string[], cdc: CdcTables): Promise<void> {
  const tables = writeTables.map(qualified).join(', ');
  await owner.query('revoke create on schema public from public');
  await owner.query(`grant select, insert, update, delete on ${tables} to ${role('writer')}`);
  await owner.query(`grant select on ${tables} to ${role('verifier')}`);
  await owner.query(`grant select on ${cdc.published.map(qualified).join(', ')} to ${role('cdc')}`);
  // Incremental snapshots insert their watermarks; the heartbeat upserts its one row.
  await owner.query(`grant insert on ${qualified(cdc.signal)} to ${role('cdc')}`);
  await owner.query(`grant insert, update on ${qualified(cdc.heartbeat)} to ${role('cdc')}`);
  await ensurePublication(owner, cdc.publication, cdc.published);
}

/** The publication Debezium streams (only the tables' owner may make or change it). Idempotent. */
export async function ensurePublication(owner: ClientBase, publication: string, tables: readonly string[]): Promise<void> {
  const list = tables.map(qualified).join(', ');
  const existing = await owner.query('select 1 from pg_publication where pubname = $1', [publication]);
  if (existing.rowCount === 0) {
    await owner.query(`create publication ${ident(publication)} for table ${list}`);
    return;
  }
  // Altered only when its tables differ: each change makes the walsender send relation messages
  // again, which the running connector must then process.
  const { rows } = await owner.query<{ table: string }>(
    `select schemaname || '.' || tablename as table from pg_publication_tables where pubname = $1`,
    [publication],
  );
  const current = new Set(rows.map((r) => r.table));
  if (current.size !== tables.length || tables.some((t) => !current.has(t))) {
    await owner.query(`alter publication ${ident(publication)} set table ${list}`);
  }
}
