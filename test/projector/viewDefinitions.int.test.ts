import { Pool } from 'pg';
import { CONTRACT_VIEWS } from '../../projector/views/contractViews';
import { SQL_TYPES } from '../../projector/views/viewColumn';
import { fieldsOf, keyFields, type ViewShape } from '../../projector/views/viewDefinition';
import { stackEnv } from '../support/stackEnv';

/**
 * Each view's definition (projector/views) and the read migration that creates its table must
 * agree: the writer, the query API and verify are derived from the definition, the table from
 * the migration. A column added to one and not the other fails here, naming it. Column order
 * is not compared: every statement names its columns, and ALTER TABLE ADD COLUMN appends.
 */

const pool = new Pool({ connectionString: stackEnv().readDatabaseUrl, max: 1 });
afterAll(() => pool.end());

const PG_TYPE_NAMES: Record<string, string> = {
  bigint: 'bigint',
  integer: 'integer',
  smallint: 'smallint',
  text: 'text',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
};

async function tableColumns(table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `select column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name = $1 order by column_name`,
    [table],
  );
  return rows.map((r) => `${r.column_name} ${r.data_type}${r.is_nullable === 'YES' ? ' null' : ''}`);
}

function declaredColumns(view: ViewShape): string[] {
  const declared = fieldsOf(view).map(
    ({ column }) => `${column.name} ${PG_TYPE_NAMES[SQL_TYPES[column.kind]]}${column.nullable ? ' null' : ''}`,
  );
  return (view.touchedAt === undefined ? declared : [...declared, `${view.touchedAt} timestamp with time zone`]).sort();
}

async function primaryKey(table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `select a.attname as column_name
       from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = $1::regclass and i.indisprimary
      order by array_position(i.indkey::int2[], a.attnum)`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

describe.each(CONTRACT_VIEWS.map((view) => [view.table, view] as const))('%s', (_table, view) => {
  it('has exactly the declared columns, with their types and nullability', async () => {
    expect(await tableColumns(view.table)).toEqual(declaredColumns(view));
  });

  it('has the declared key as its primary key', async () => {
    expect(await primaryKey(view.table)).toEqual(keyFields(view).map((f) => f.column.name));
  });
});
