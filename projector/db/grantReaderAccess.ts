import type { ClientBase } from 'pg';
import { PIPELINE_ROLES } from '../../infra/db/pipelineRoles';
import { CONTRACT_TABLES } from '../views/contractViews';

/**
 * The query API's role may read the four contract tables of the schema on the search path, and
 * nothing else. Run by their owner after each migration, so a rebuild's version carries the same
 * grants into the swap. Without that role (a server whose roles someone else manages) there is
 * nothing to grant, and it says so.
 */
export async function grantReaderAccess(owner: ClientBase): Promise<'granted' | 'no reader role'> {
  const reader = PIPELINE_ROLES.reader.name;
  const exists = await owner.query('select 1 from pg_roles where rolname = $1', [reader]);
  if (exists.rowCount === 0) return 'no reader role';
  const { rows } = await owner.query<{ schema: string }>('select current_schema() as schema');
  const schema = rows[0]?.schema;
  if (schema === undefined) throw new Error('no schema on the search path');
  await owner.query(`grant usage on schema "${schema}" to "${reader}"`);
  await owner.query(`grant select on ${CONTRACT_TABLES.map((t) => `"${schema}"."${t}"`).join(', ')} to "${reader}"`);
  return 'granted';
}
