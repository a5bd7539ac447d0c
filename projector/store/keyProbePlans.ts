import type { PoolClient } from 'pg';

/**
 * Makes the rest of the transaction plan every read as index probes by key, as the builder's
 * statements are written: no sequential scan, no hash or merge join, and the join tree as written.
 * Each two-way join may still be turned around: a statement that must start from one side says so
 * with LATERAL, and OFFSET 0 where the subquery would otherwise be flattened.
 *
 * The planner picks by statistics, and a drain or a rebuild grows the ref_ and view tables from
 * empty faster than autovacuum analyzes them. Believing a table of a million rows tiny, it
 * sequentially scanned ref_channel_members once per expanded profile mark, and a view partition
 * once per probed key; with scans off, it walked all of ref_channels' primary key to reach one
 * user's memberships. Passes took seconds where milliseconds do. Key lookups stay right at any size.
 */
export async function planByKeysOnly(tx: PoolClient): Promise<void> {
  await tx.query(
    `select set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
            set_config('join_collapse_limit', '1', true), set_config('from_collapse_limit', '1', true)`,
  );
}
