import { Client, type ClientBase, type Pool } from 'pg';
import type { Logger } from 'pino';
import { actualComparableRows, expectedComparableRows } from './comparableRowsQueries';
import { compareViewRows, type ViewComparison, type ViewRow } from './compareViewRows';
import { contractView, VIEW_NAMES, type ViewName } from './contractViews';
import { cursorRows } from './cursorRows';
import { findMalformedDirectChannels } from './malformedDirectChannels';
import { inReadOnlySnapshot } from './readOnlySnapshot';
import { VerifyConnectionError, type DatabaseSide } from './verifyErrors';

type WriteDatabase = { readonly writePool: Pool; readonly writeUrl?: never } | { readonly writeUrl: string; readonly writePool?: never };
type ReadDatabase = { readonly readPool: Pool; readonly readUrl?: never } | { readonly readUrl: string; readonly readPool?: never };

export type VerifyViewsOptions = WriteDatabase &
  ReadDatabase & {
    readonly logger: Logger;
    /** The views to check, in this order; all four by default. */
    readonly views?: readonly ViewName[];
    /** Check only the rows these users own (int64 ids as decimal text); every row by default. */
    readonly owners?: readonly string[];
    /** Differences kept per view for the report; all are counted regardless. */
    readonly maxDifferences?: number;
    /** Rows per FETCH on each side. */
    readonly fetchSize?: number;
  };

export interface VerifyResult {
  readonly views: readonly ViewComparison[];
  /** The owners checked, or null for all. */
  readonly owners: readonly string[] | null;
  /** Write-side facts that explain differences without being any (see malformedDirectChannels.ts). */
  readonly warnings: readonly string[];
  /** True when every checked view equals its contract definition. */
  readonly matches: boolean;
}

const PROGRESS_EVERY_ROWS = 100_000;

/**
 * Compares every row of the contract views in im_read with the row CONTRACT.md defines from
 * im_write's current state. Each database is read from one snapshot for the whole run. The
 * two snapshots are of different databases, so rows the projector has not caught up with yet
 * show as differences: run it when the write side is quiet and the projector has caught up.
 */
export async function verifyViews(options: VerifyViewsOptions): Promise<VerifyResult> {
  const { logger, views = VIEW_NAMES, maxDifferences = 20, fetchSize = 2_000 } = options;
  const owners = options.owners ?? null;
  const log = logger.child({ component: 'verify' });

  const write = await openSession('write', options.writePool ?? options.writeUrl, log);
  let failed = false;
  try {
    const read = await openSession('read', options.readPool ?? options.readUrl, log);
    try {
      return await inReadOnlySnapshot(write.client, () =>
        inReadOnlySnapshot(read.client, async () => {
          const warnings = await writeSideWarnings(write.client, owners);
          for (const warning of warnings) log.warn({ warning }, 'write side breaks a writer rule');
          const comparisons: ViewComparison[] = [];
          for (const name of views) {
            comparisons.push(await verifyView(name, { write: write.client, read: read.client, owners, fetchSize, maxDifferences, log }));
          }
          const matches = comparisons.every((c) => c.missing === 0 && c.unexpected === 0 && c.differing === 0);
          return { views: comparisons, owners, warnings, matches };
        }),
      );
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      await read.close(failed);
    }
  } finally {
    await write.close(failed);
  }
}

interface ViewRun {
  readonly write: ClientBase;
  readonly read: ClientBase;
  readonly owners: readonly string[] | null;
  readonly fetchSize: number;
  readonly maxDifferences: number;
  readonly log: Logger;
}

async function verifyView(name: ViewName, { write, read, owners, fetchSize, maxDifferences, log }: ViewRun): Promise<ViewComparison> {
  const view = contractView(name);
  const started = Date.now();
  log.info({ view: name, owners: owners?.length ?? 'all' }, 'view verify started');
  const scope = owners ?? undefined;
  const comparison = await compareViewRows({
    view,
    expected: withProgress(
      cursorRows({ client: write, name: `verify_expected_${name}`, query: expectedComparableRows(view, scope), fetchSize }),
      log,
      name,
    ),
    actual: cursorRows({ client: read, name: `verify_actual_${name}`, query: actualComparableRows(view, scope), fetchSize }),
    maxDifferences,
  });
  const { differences: _kept, ...counts } = comparison;
  log.info({ ...counts, durationMs: Date.now() - started }, 'view verified');
  return comparison;
}

interface Session {
  readonly client: ClientBase;
  /** `failed`: the run ended in an error, so the connection's state is unknown. */
  close(failed: boolean): Promise<void>;
}

/** One connection per side: a cursor and a snapshot belong to a single connection. */
async function openSession(side: DatabaseSide, database: Pool | string, log: Logger): Promise<Session> {
  if (typeof database !== 'string') {
    const client = await database.connect().catch((error: unknown) => {
      throw new VerifyConnectionError(side, error);
    });
    // A connection left in an unknown state is destroyed rather than handed to the next user.
    return { client, close: async (failed) => client.release(failed) };
  }
  const client = new Client({ connectionString: database, application_name: 'im-verify' });
  // Without a listener a dropped connection would crash the process; the pending query fails anyway.
  client.on('error', (error) => log.error({ side, err: error }, 'database connection lost'));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new VerifyConnectionError(side, error);
  }
  return { client, close: () => client.end() };
}

async function writeSideWarnings(client: ClientBase, owners: readonly string[] | null): Promise<string[]> {
  const malformed = await findMalformedDirectChannels(client, owners);
  if (malformed.count === 0) return [];
  return [
    `${malformed.count} direct channel(s) do not have exactly two members (first: ${malformed.firstIds.join(', ')}); ` +
      'the contract gives their conversations no peer',
  ];
}

async function* withProgress(rows: AsyncIterable<ViewRow>, log: Logger, view: ViewName): AsyncGenerator<ViewRow, void, undefined> {
  let count = 0;
  for await (const row of rows) {
    count += 1;
    if (count % PROGRESS_EVERY_ROWS === 0) log.info({ view, expectedRows: count }, 'rows compared');
    yield row;
  }
}
