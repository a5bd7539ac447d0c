import type { ClientBase, Pool } from 'pg';
import { inTransaction } from '../../infra/db/transaction';
import { ensureCdcRecoveryLog } from './cdcRecoveryLog';
import { VERSION_SWAP_LOCK } from './versionSwapLock';

/**
 * Versions of the read side (Marten's and Emmett's blue/green rebuilds). A version is a complete
 * set of the projector's tables — the four contract tables, reference rows, marks, checkpoints,
 * dead letters — in a schema of its own. The live version is the schema named `public`, where
 * readers find the contract's table names; the others are `projector_v<N>`. A rebuild fills a new
 * version while the live one keeps serving; the swap renames the two schemas in one transaction.
 *
 * The registry lives in the schema `projector_meta`, which no swap moves.
 */
export type VersionState = 'filling' | 'live' | 'previous' | 'dropped';

export interface ReadVersion {
  readonly version: number;
  readonly state: VersionState;
  /** The Kafka consumer group that fills it (a rebuild's own). */
  readonly fillGroup: string;
  readonly startedAt: string;
  readonly swappedAt: string | null;
}

/** Where a version's tables are: the live one in `public`, the others in a schema of their own. */
export function versionSchema(version: ReadVersion | { readonly version: number; readonly state: VersionState }): string {
  return version.state === 'live' ? 'public' : `projector_v${version.version}`;
}

/** Makes the registry if missing, and records the read side that exists as version 1, live. */
export async function ensureVersionRegistry(db: ClientBase | Pool): Promise<void> {
  await db.query(`create schema if not exists projector_meta`);
  await db.query(
    `create table if not exists projector_meta.read_versions (
       version    integer     primary key,
       state      text        not null check (state in ('filling', 'live', 'previous', 'dropped')),
       fill_group text        not null,
       started_at timestamptz not null default now(),
       swapped_at timestamptz
     )`,
  );
  await db.query(
    `insert into projector_meta.read_versions (version, state, fill_group) select 1, 'live', '' where not exists (select 1 from projector_meta.read_versions)`,
  );
  await ensureCdcRecoveryLog(db);
}

export async function readVersions(db: ClientBase | Pool): Promise<ReadVersion[]> {
  const { rows } = await db.query<{
    version: number;
    state: VersionState;
    fill_group: string;
    started_at: string;
    swapped_at: string | null;
  }>(
    `select version, state, fill_group, to_json(started_at) #>> '{}' as started_at, to_json(swapped_at) #>> '{}' as swapped_at from projector_meta.read_versions order by version`,
  );
  return rows.map((r) => ({
    version: r.version,
    state: r.state,
    fillGroup: r.fill_group,
    startedAt: r.started_at,
    swappedAt: r.swapped_at,
  }));
}

/** A new version to fill, numbered after every earlier one, and its empty schema. */
export async function beginVersion(pool: Pool, fillGroupPrefix: string): Promise<ReadVersion> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ version: number }>(
      `select coalesce(max(version), 0) + 1 as version from projector_meta.read_versions`,
    );
    const version = rows[0]!.version;
    const fillGroup = `${fillGroupPrefix}-v${version}`;
    await tx.query(`insert into projector_meta.read_versions (version, state, fill_group) values ($1, 'filling', $2)`, [
      version,
      fillGroup,
    ]);
    await tx.query(`create schema projector_v${version}`);
    return { commit: true, value: { version, state: 'filling', fillGroup, startedAt: new Date().toISOString(), swappedAt: null } };
  });
}

/**
 * Makes `incoming` the live version, in one transaction:
 * - waits for the projector transactions in flight (VERSION_SWAP_LOCK) and holds off new ones;
 * - renames `public` to `projector_v<live>` and `incoming`'s schema to `public`, so every reader of
 *   the contract names sees the old tables or the new ones, never none;
 * - hands the new version's checkpoints from `fromGroup` to the live consumer group `toGroup`, each
 *   with an epoch above both versions' (the running members are fenced, claim again, and go on
 *   from where the new version stands), and its dead letters with them.
 * The outgoing version becomes `previous` (a rollback swaps it back); an older `previous` must
 * have been dropped.
 */
export async function swapIn(
  pool: Pool,
  { incoming, fromGroup, toGroup }: { incoming: ReadVersion; fromGroup: string; toGroup: string },
): Promise<{ outgoing: number }> {
  return inTransaction(
    pool,
    async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [VERSION_SWAP_LOCK]);
      const versions = await readVersions(tx);
      const live = versions.find((v) => v.state === 'live');
      if (live === undefined) throw new Error('no live read version is recorded');
      const stale = versions.find((v) => v.state === 'previous' && v.version !== incoming.version);
      if (stale !== undefined) {
        throw new Error(`version ${stale.version} is still kept for a rollback: drop it first (npm run projector -- rebuild --drop-old)`);
      }
      const outgoingSchema = `projector_v${live.version}`;
      const incomingSchema = versionSchema(incoming);
      await tx.query(`alter schema public rename to ${outgoingSchema}`);
      await tx.query(`alter schema ${incomingSchema} rename to public`);
      // The live group's rows in the incoming version (a rollback's) give way to the handed-over ones.
      if (fromGroup !== toGroup) await tx.query(`delete from public.projection_checkpoints where consumer_group = $1`, [toGroup]);
      await tx.query(
        `update public.projection_checkpoints c
            set consumer_group = $2, owner_member = null, updated_at = now(),
                owner_epoch = 1 + greatest(c.owner_epoch, coalesce(
                  (select o.owner_epoch from ${outgoingSchema}.projection_checkpoints o
                    where o.consumer_group = $2 and o.topic = c.topic and o.partition = c.partition), 0))
          where c.consumer_group = $1`,
        [fromGroup, toGroup],
      );
      await tx.query(`update public.projection_dead_letters set consumer_group = $2 where consumer_group = $1`, [fromGroup, toGroup]);
      // Dead letters the live group recorded in the outgoing version (since the rebuild started,
      // or since the last swap) stay visible and replayable.
      await tx.query(
        `insert into public.projection_dead_letters (topic, partition, "offset", message_key, raw_value, error, error_kind, consumer_group, created_at, replayed_at)
         select topic, partition, "offset", message_key, raw_value, error, error_kind, consumer_group, created_at, replayed_at
           from ${outgoingSchema}.projection_dead_letters where consumer_group = $1
         on conflict (consumer_group, topic, partition, "offset") do nothing`,
        [toGroup],
      );
      // As PostgreSQL makes schema public: everyone may look up names in it (each table still has its own grants).
      await tx.query('grant usage on schema public to public');
      await moveMigrationRecord(tx, outgoingSchema);
      await tx.query(`update projector_meta.read_versions set state = 'previous' where version = $1`, [live.version]);
      await tx.query(`update projector_meta.read_versions set state = 'live', swapped_at = now() where version = $1`, [incoming.version]);
      return { commit: true, value: { outgoing: live.version } };
    },
    { durable: true },
  );
}

/**
 * drizzle records the live version's migrations in `drizzle.__drizzle_migrations`; a version
 * made by a rebuild records its own in its schema. At a swap the outgoing version takes a copy of
 * the live record (what was applied to it), and the live record becomes the incoming version's,
 * so that the projector's migrate at start-up applies exactly what the live version lacks.
 */
async function moveMigrationRecord(tx: ClientBase, outgoingSchema: string): Promise<void> {
  const { rows } = await tx.query<{ live: string | null; incoming: string | null }>(
    `select to_regclass('drizzle.__drizzle_migrations')::text as live, to_regclass('public.__drizzle_migrations')::text as incoming`,
  );
  if (rows[0]?.live === null || rows[0]?.live === undefined) return;
  await tx.query(
    `create table if not exists ${outgoingSchema}.__drizzle_migrations as select * from drizzle.__drizzle_migrations with no data`,
  );
  await tx.query(`delete from ${outgoingSchema}.__drizzle_migrations`);
  await tx.query(`insert into ${outgoingSchema}.__drizzle_migrations select * from drizzle.__drizzle_migrations`);
  if (rows[0]?.incoming === null || rows[0]?.incoming === undefined) return;
  await tx.query('delete from drizzle.__drizzle_migrations');
  await tx.query('insert into drizzle.__drizzle_migrations select * from public.__drizzle_migrations');
}

/** Drops a version's schema (the previous one after a swap, or an abandoned filling one). */
export async function dropVersion(pool: Pool, version: ReadVersion): Promise<void> {
  if (version.state === 'live') throw new Error(`version ${version.version} is live; it cannot be dropped`);
  await inTransaction(pool, async (tx) => {
    await tx.query(`drop schema if exists projector_v${version.version} cascade`);
    await tx.query(`update projector_meta.read_versions set state = 'dropped' where version = $1`, [version.version]);
    return { commit: true, value: undefined };
  });
}
