import type { ClientBase, Pool } from 'pg';
import type { Transaction } from '../../infra/db/transaction';

/**
 * The recoveries from a lost replication slot (`npm run stack -- recover-cdc`), each with the LSN
 * of the full snapshot that followed it. A friendship deleted while the slot was lost never reached
 * the topics, so replaying them brings it back; after its snapshot, every friendship that exists
 * carries that LSN or a later one. A rebuild therefore retires, once it has caught up, the
 * friendships below the latest recovery's LSN (friendshipsMissedByCdc.ts), as the recovery did on
 * the live version. Kept in `projector_meta`, beside the version registry, which no swap moves.
 */
export async function ensureCdcRecoveryLog(db: ClientBase | Pool): Promise<void> {
  await db.query(`create schema if not exists projector_meta`);
  await db.query(
    `create table if not exists projector_meta.cdc_recoveries (
       snapshot_lsn bigint      not null,
       recovered_at timestamptz not null default now()
     )`,
  );
}

/** Recorded in the transaction that retires the live version's friendships, so both happen or neither. */
export async function recordCdcRecovery(tx: Transaction, snapshotLsn: bigint): Promise<void> {
  await ensureCdcRecoveryLog(tx);
  await tx.query('insert into projector_meta.cdc_recoveries (snapshot_lsn) values ($1)', [snapshotLsn.toString()]);
}

/** The latest recovery: its snapshot LSN and when it finished; null when the slot was never recovered. */
export async function latestCdcRecovery(
  db: ClientBase | Pool,
): Promise<{ readonly snapshotLsn: bigint; readonly recoveredAt: Date } | null> {
  await ensureCdcRecoveryLog(db);
  const { rows } = await db.query<{ lsn: string; at: Date }>(
    'select snapshot_lsn::text as lsn, recovered_at as at from projector_meta.cdc_recoveries order by snapshot_lsn desc limit 1',
  );
  const row = rows[0];
  return row === undefined ? null : { snapshotLsn: BigInt(row.lsn), recoveredAt: new Date(row.at) };
}
