import { PGlite, types } from '@electric-sql/pglite';
import type { Pool } from 'pg';

/**
 * Test only: an in-process PostgreSQL (PGlite) behind the part of node-postgres's Pool that the
 * projector's stores and infra/db/transaction.ts use: `query(text, values)` answering
 * `{ rows, rowCount, command }`, and `connect()` handing out a client with `release()`. Values
 * come back as the read pool gives them (projector/db/readPool.ts): int8 as bigint, timestamptz
 * as text in UTC.
 *
 * PGlite has a single session. A checked-out client holds it until released, and every other
 * caller waits, so no statement ever lands inside another caller's transaction.
 */
export interface PgliteTestPool {
  readonly pool: Pool;
  /** The instance itself, for tools that drive PGlite directly (the drizzle migrator). */
  readonly pglite: PGlite;
  close(): Promise<void>;
}

export async function pgliteTestPool(): Promise<PgliteTestPool> {
  const pglite = await PGlite.create({
    parsers: { [types.INT8]: (value: string) => BigInt(value), [types.TIMESTAMPTZ]: (value: string) => value },
  });
  // As readPool's `-c timezone=UTC`: the session prints timestamptz in UTC.
  await pglite.exec("set time zone 'UTC'");
  const holdSession = sessionLock();

  const run = async (text: string, values?: readonly unknown[]) => {
    // node-postgres sends undefined as NULL; PGlite's serializers would reject it.
    const params = values?.map((v) => (v === undefined ? null : v));
    const result = await pglite.query<Record<string, unknown>>(text, params);
    return { rows: result.rows, rowCount: result.rowCount ?? null, command: result.command ?? '', fields: result.fields };
  };

  const pool = {
    async query(text: string, values?: readonly unknown[]) {
      const release = await holdSession();
      try {
        return await run(text, values);
      } finally {
        release();
      }
    },
    async connect() {
      const release = await holdSession();
      let released = false;
      return {
        async query(text: string, values?: readonly unknown[]) {
          if (released) throw new Error('query on a client already released to the pool');
          return run(text, values);
        },
        release(error?: Error): void {
          if (released) throw new Error('release called on a client already released to the pool');
          released = true;
          if (error === undefined) {
            release();
            return;
          }
          // node-postgres discards a client released with an error. PGlite's one session cannot
          // be replaced, so it is reset to what a new connection would be: no transaction open,
          // no session lock held (the view builder relies on that after a failed pass).
          void pglite
            .exec('rollback; select pg_advisory_unlock_all()')
            .catch(() => undefined)
            .finally(release);
        },
      };
    },
  };
  // Only the members above exist; a store that starts using another fails the test loudly.
  return { pool: pool as unknown as Pool, pglite, close: () => pglite.close() };
}

/** A FIFO lock over the one session: resolves to its release once every earlier holder released. */
function sessionLock(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = tail;
    tail = previous.then(() => held);
    await previous;
    return release;
  };
}
