import type { Pool } from 'pg';
import { CONTRACT_TABLES } from '../../projector/views/contractViews';
import { WRITE_TABLES } from './writeTables';

/**
 * The services check, before they serve, that each database URL connects as a role fit for its
 * API and no more: the write API may change the contract's write tables and do nothing else
 * (no DDL, no superuser), the query API may read the four contract tables and change nothing. A
 * URL of another job's role (the projector's, the migrator's) stops start-up with the reason.
 */

export class DatabaseRoleError extends Error {
  constructor(
    readonly setting: string,
    problems: readonly string[],
  ) {
    super(`${setting}: ${problems.join('; ')}`);
    this.name = 'DatabaseRoleError';
  }
}

interface RoleFacts {
  readonly role: string;
  readonly database: string;
  readonly superuser: boolean;
  readonly canCreate: boolean;
}

/** Errors that say the URL itself is wrong (password, database, CONNECT privilege), not that the server is down. */
const REFUSED_CONNECTION = new Set(['28P01', '28000', '3D000', '42501']);

async function roleFacts(pool: Pool, setting: string): Promise<RoleFacts> {
  const { rows } = await pool
    .query<RoleFacts>(
      `select current_user as role, current_database() as database, r.rolsuper as superuser,
            has_database_privilege(current_database(), 'CREATE') or has_schema_privilege('public', 'CREATE') as "canCreate"
       from pg_roles r where r.rolname = current_user`,
    )
    .catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code !== undefined && REFUSED_CONNECTION.has(code)) throw new DatabaseRoleError(setting, [(error as Error).message]);
      throw error;
    });
  return rows[0]!;
}

/** Per table: whether it exists, and which of the privileges asked for the role holds. */
async function tablePrivileges(pool: Pool, tables: readonly string[], privileges: readonly string[]) {
  const { rows } = await pool.query<{ table: string; exists: boolean; held: string[] }>(
    `select t.name as table, c.oid is not null as exists,
            coalesce(array(select p from unnest($2::text[]) p where c.oid is not null and has_table_privilege(c.oid, p)), '{}') as held
       from unnest($1::text[]) t(name)
       left join pg_class c on c.relname = t.name and c.relnamespace = 'public'::regnamespace`,
    [tables, privileges],
  );
  return rows;
}

export async function checkWriteRole(pool: Pool, setting: string): Promise<void> {
  const facts = await roleFacts(pool, setting);
  const problems: string[] = [];
  if (facts.superuser)
    problems.push(`connects as ${facts.role}, a superuser; the write API needs a role that may only change the write tables (im_writer)`);
  else if (facts.canCreate)
    problems.push(
      `connects as ${facts.role}, which may create objects in ${facts.database}; the write API needs a role without DDL (im_writer)`,
    );
  for (const t of await tablePrivileges(pool, WRITE_TABLES, ['SELECT', 'INSERT', 'UPDATE', 'DELETE'])) {
    if (!t.exists) problems.push(`${facts.database} has no table ${t.table} (run the migrations first)`);
    else if (t.held.length < 4)
      problems.push(
        `${facts.role} may not ${['SELECT', 'INSERT', 'UPDATE', 'DELETE'].filter((p) => !t.held.includes(p)).join(', ')} ${t.table}`,
      );
  }
  if (problems.length > 0) throw new DatabaseRoleError(setting, problems);
}

export async function checkQueryRole(pool: Pool, setting: string): Promise<void> {
  const facts = await roleFacts(pool, setting);
  const problems: string[] = [];
  if (facts.superuser) problems.push(`connects as ${facts.role}, a superuser; the query API needs a read-only role (im_reader)`);
  else if (facts.canCreate)
    problems.push(
      `connects as ${facts.role}, which may create objects in ${facts.database}; the query API needs a read-only role (im_reader)`,
    );
  for (const t of await tablePrivileges(pool, CONTRACT_TABLES, ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'])) {
    if (!t.exists) problems.push(`${facts.database} has no table ${t.table} (is it the read database, migrated?)`);
    else if (!t.held.includes('SELECT')) problems.push(`${facts.role} may not read ${t.table}`);
    else if (t.held.length > 1 && !facts.superuser)
      problems.push(
        `${facts.role} may change ${t.table} (${t.held.filter((p) => p !== 'SELECT').join(', ')}); the query API needs a read-only role (im_reader)`,
      );
  }
  if (problems.length > 0) throw new DatabaseRoleError(setting, problems);
}
