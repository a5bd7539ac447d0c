import type { ClientBase } from 'pg';
import { MIGRATION_LOCK } from '../../infra/db/migrateDatabase';
import { ident, PIPELINE_ROLES } from '../../infra/db/pipelineRoles';
import { CONTRACT_TABLES } from '../views/contractViews';

/** The roles that read the contract tables: the query API's, and verify's. */
const READERS = [PIPELINE_ROLES.reader.name, PIPELINE_ROLES.verifier.name];

/**
 * The query API's role and verify's may read the four contract tables of the schema on the search
 * path, and nothing else of im_read; nobody else may create objects in its schema public. Run by
 * their owner after each migration, so a rebuild's version carries the same grants into the swap.
 * Serialized with the migrations (members starting together would update the same ACLs at once),
 * and skipped when already granted. Roles that do not exist (a server whose roles someone else
 * manages) are left out, and named in the result.
 */
export async function grantReaderAccess(owner: ClientBase): Promise<{ granted: readonly string[]; missing: readonly string[] }> {
  await owner.query('begin');
  try {
    await owner.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const { rows } = await owner.query<{ rolname: string; needs: boolean; schema: string }>(
      `select r.rolname, current_schema() as schema,
              exists (select 1 from unnest($2::text[]) t(name)
                       where not has_table_privilege(r.rolname, format('%I.%I', current_schema(), t.name), 'SELECT')) as needs
         from pg_roles r where r.rolname = any($1)`,
      [READERS, CONTRACT_TABLES],
    );
    const schema = rows[0]?.schema;
    const granted = rows.filter((r) => r.needs).map((r) => r.rolname);
    if (schema !== undefined && granted.length > 0) {
      const grantees = granted.map(ident).join(', ');
      await owner.query(`grant usage on schema ${ident(schema)} to ${grantees}`);
      await owner.query(`grant select on ${CONTRACT_TABLES.map((t) => `${ident(schema)}.${ident(t)}`).join(', ')} to ${grantees}`);
    }
    if (schema === 'public') await owner.query('revoke create on schema public from public');
    await owner.query('commit');
    return { granted, missing: READERS.filter((name) => !rows.some((r) => r.rolname === name)) };
  } catch (error) {
    await owner.query('rollback').catch(() => undefined);
    throw error;
  }
}
