import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import fc from 'fast-check';
import { inTransaction } from '../../infra/db/transaction';
import type { ChangeEvent } from '../decode/changeEvent';
import { ensureReadPartitions } from '../db/ensureReadPartitions';
import { READ_MIGRATIONS } from '../db/migrateReadDatabase';
import { deliver, mulberry32 } from '../projection/convergenceDelivery';
import { commandHistory, runHistory } from '../projection/convergenceHistory';
import { expectedReverseIndexes, expectedViews } from '../projection/convergenceOracle';
import { refChangesForBatch } from '../projection/refChangesForBatch';
import { applyRefChanges } from './applyRefChanges';
import { contactView, conversationView, reverseIndexes } from './convergenceTables';
import { pgliteTestPool, type PgliteTestPool } from './pgliteTestPool';
import { buildAllMarks, runViewBuilderPass } from './viewBuilderPass';

/**
 * The central property of CONTRACT.md through the projector's real SQL. Each history's events,
 * reordered, repeated and batched as Kafka may deliver them, are applied batch by batch as
 * applyBatch applies them (refChangesForBatch, then applyRefChanges: the ref_ guards and the dirty
 * marks, in one transaction); view builder passes, of random sizes, run at random points and at
 * the end until no mark is left. The four contract tables must then hold exactly the contract's
 * definition over the final source rows (the oracle of convergenceOracle.ts, compared with the
 * tables as convergenceTables.ts reads them).
 *
 * The database is PGlite, PostgreSQL compiled to WebAssembly and run in this process: one
 * instance for the file, made with the real read migrations, emptied before each history.
 */

const PARTITIONS = 4;
const RUNS = 40;
/** The view builder's default pass size (viewBuilderLoop): every waiting mark at once. */
const FULL_PASS = 5000;
/**
 * Shrinking replays whole histories against the database, about half a second each; past this
 * budget the smallest counterexample found so far is reported.
 */
const SHRINK_BUDGET_MS = 90_000;

let db: PgliteTestPool;
let readTables: readonly string[] = [];
const stats = { runs: 0, events: 0, conversationRows: 0, contactRows: 0 };

beforeAll(async () => {
  db = await pgliteTestPool();
  await migrate(drizzle({ client: db.pglite }), { migrationsFolder: READ_MIGRATIONS });
  const client = await db.pool.connect();
  try {
    await ensureReadPartitions(client, PARTITIONS);
  } finally {
    client.release();
  }
  const tables = await db.pool.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`,
  );
  readTables = tables.rows.map((t) => t.name);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

/** Empties every read table (DELETE: TRUNCATE makes new files for every table and partition, far slower here). */
async function emptyReadTables(): Promise<void> {
  for (const table of readTables) await db.pool.query(`delete from ${table}`);
}

/** One delivered batch, as applyBatch applies it when no event is refused (its checkpoint aside). */
async function applyEvents(events: readonly ChangeEvent[]): Promise<void> {
  await inTransaction(db.pool, async (tx) => {
    await applyRefChanges(tx, refChangesForBatch(events));
    return { commit: true, value: undefined };
  });
}

async function buildPass(limit: number): Promise<void> {
  const pass = await runViewBuilderPass(db.pool, limit);
  // With one session nothing else can hold the builder's lock.
  if (pass.kind !== 'built') throw new Error(`view builder pass: ${pass.kind}`);
}

async function buildUntilNoMarks(): Promise<void> {
  // A full pass expands fan-out marks and builds every shard; its hand-overs take a few more.
  await buildAllMarks(db.pool, FULL_PASS, 11);
}

/**
 * Once a run has failed and SHRINK_BUDGET_MS has passed, every further shrinking candidate is
 * skipped (fc.pre), so fast-check reports the smallest failing history found until then.
 */
function withShrinkBudget<Args extends unknown[]>(predicate: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  let firstFailure: number | undefined;
  return async (...args) => {
    if (firstFailure !== undefined && Date.now() - firstFailure > SHRINK_BUDGET_MS) fc.pre(false);
    try {
      await predicate(...args);
    } catch (error) {
      firstFailure ??= Date.now();
      throw error;
    }
  };
}

describe('projection convergence through the SQL store (property)', () => {
  afterAll(() => {
    // Guards against a generator that drifts into trivial histories.
    expect(stats.events / stats.runs).toBeGreaterThan(30);
    expect(stats.conversationRows / stats.runs).toBeGreaterThan(3);
    expect(stats.contactRows / stats.runs).toBeGreaterThan(1);
  });

  it.each([
    ['every text in every event', false],
    ['texts an UPDATE left as they were sent unavailable', true],
  ])(
    'ends in the contract tables for any delivery order, duplication and build timing (%s)',
    async (_name, unchangedTextUnavailable) => {
      await fc.assert(
        fc.asyncProperty(
          commandHistory,
          fc.integer(),
          withShrinkBudget(async (commands, seed) => {
            await emptyReadTables();
            const { source, emitted } = runHistory(commands, { unchangedTextUnavailable });
            const rand = mulberry32(seed);
            // Batches, and after some of them a pass: a full one, or one too small for the marks waiting.
            const steps: Array<{ events: ChangeEvent[]; passSize: number | null }> = [];
            deliver(emitted, rand, (events) => {
              const pass = rand() < 0.3;
              steps.push({ events, passSize: !pass ? null : rand() < 0.5 ? FULL_PASS : 1 + Math.floor(rand() * 8) });
            });
            for (const step of steps) {
              await applyEvents(step.events);
              if (step.passSize !== null) await buildPass(step.passSize);
            }
            await buildUntilNoMarks();

            const expected = expectedViews(source);
            const actualConversations = await conversationView(db.pool);
            const actualContacts = await contactView(db.pool);
            stats.runs += 1;
            stats.events += emitted.length;
            stats.conversationRows += actualConversations.size;
            stats.contactRows += actualContacts.size;

            expect(actualConversations).toEqual(expected.conversations);
            expect(actualContacts).toEqual(expected.contacts);
            expect(await reverseIndexes(db.pool)).toEqual(expectedReverseIndexes(expected));
          }),
        ),
        { numRuns: RUNS },
      );
    },
    // Time for the runs, and for shrinking a failure within its budget.
    300_000,
  );
});
