import type { ClientBase } from 'pg';
import type { ViewRow } from './compareViewRows';
import type { RowsQuery } from './expectedRowsQueries';

export interface CursorRowsOptions {
  /** A connection inside a transaction (see inReadOnlySnapshot): a cursor lives only there. */
  readonly client: ClientBase;
  /** The cursor's name, unique within the transaction. */
  readonly name: string;
  readonly query: RowsQuery;
  /** Rows per FETCH: memory held at once versus round trips. */
  readonly fetchSize: number;
}

const CURSOR_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Streams a query's rows through a server-side cursor (DECLARE + FETCH; pg-cursor is not a
 * dependency), so a million-row view never sits in memory. Rows come as arrays of whatever the
 * query selects; verify selects text only, so pg's type parsers never turn an int8 into a number.
 */
export async function* cursorRows({ client, name, query, fetchSize }: CursorRowsOptions): AsyncGenerator<ViewRow, void, undefined> {
  if (!CURSOR_NAME.test(name)) throw new Error(`cursor name ${name} is not a plain identifier`);
  if (!Number.isInteger(fetchSize) || fetchSize < 1) throw new Error(`fetch size ${fetchSize} is not a positive integer`);
  await client.query({ text: `declare ${name} no scroll cursor for ${query.text}`, values: [...query.values] });
  for (;;) {
    const batch = await client.query<(string | null)[]>({ text: `fetch ${fetchSize} from ${name}`, rowMode: 'array' });
    yield* batch.rows;
    if (batch.rows.length < fetchSize) break;
  }
  // Only on the way out of a complete read: after an error the transaction's end drops it.
  await client.query(`close ${name}`);
}
