import type { ClientBase } from 'pg';
import { ident } from './pipelineRoles';
import { scramVerifier } from './scramVerifier';

/** The schema registry's own role and database: no pipeline role may connect to it. */
export const REGISTRY_ROLE = 'im_registry';
export const REGISTRY_DATABASE = 'im_registry';

/**
 * Makes the schema registry's role (or gives it `password` again) and its database, which only it
 * may connect to; the registry makes its tables there itself. `admin` must be able to create roles
 * and databases. The password travels as a SCRAM verifier. Idempotent.
 */
export async function ensureRegistryDatabase(admin: ClientBase, password: string, database = REGISTRY_DATABASE): Promise<void> {
  const role = await admin.query('select 1 from pg_roles where rolname = $1', [REGISTRY_ROLE]);
  await admin.query(
    `${role.rowCount === 0 ? 'create' : 'alter'} role ${ident(REGISTRY_ROLE)} login nosuperuser nocreatedb nocreaterole noreplication password '${scramVerifier(password)}'`,
  );
  const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`create database ${ident(database)} owner ${ident(REGISTRY_ROLE)}`);
  await admin.query(`revoke connect, temporary on database ${ident(database)} from public`);
  await admin.query(`grant connect on database ${ident(database)} to ${ident(REGISTRY_ROLE)}`);
}
