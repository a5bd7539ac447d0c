/**
 * The read database's URL with `search_path` set to one schema: every unqualified table name the
 * projector, the builder or verify uses then means that schema's table. This is how a rebuild
 * works on its own version (projector/store/readVersions.ts) with the same code as the live one.
 */
export function readUrlInSchema(readDatabaseUrl: string, schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const url = new URL(readDatabaseUrl);
  const given = url.searchParams.get('options');
  url.searchParams.set('options', [given, `-c search_path=${schema}`].filter((o) => o !== null && o !== '').join(' '));
  return url.toString();
}
