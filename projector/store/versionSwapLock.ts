import type { PoolClient } from 'pg';

/**
 * Read-side versions are swapped by renaming schemas (readVersions.ts). A statement resolves table
 * names when it runs, so a transaction that straddled a swap would write part of its work into the
 * old version and part into the new one. Every transaction that writes the projector's tables takes
 * this lock shared as its first statement; the swap takes it exclusively, so it waits for those in
 * flight and the next ones start after it, wholly in the new version.
 */
export const VERSION_SWAP_LOCK = 7_245_004;

export async function holdVersionSwapLock(tx: PoolClient): Promise<void> {
  await tx.query('select pg_advisory_xact_lock_shared($1)', [VERSION_SWAP_LOCK]);
}
