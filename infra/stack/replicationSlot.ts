import type { Client } from 'pg';

/** The replication slot as PostgreSQL sees it. */
export interface SlotState {
  readonly name: string;
  readonly active: boolean;
  /** The walsender holding the slot, and when that connection started. */
  readonly holder: { readonly pid: number; readonly since: string; readonly sinceMs: number } | null;
  /** `reserved`, `extended`, `unreserved` or `lost` (pg_replication_slots.wal_status). */
  readonly walStatus: string;
  readonly confirmedLsn: string;
  /** WAL the slot keeps on disk (current LSN minus restart LSN). */
  readonly retainedBytes: number;
  /** WAL that may still be written before the slot is invalidated (null: no limit). */
  readonly safeWalBytes: number | null;
}

/**
 * The replication slot `slotName` as PostgreSQL sees it (null: there is none), read on a client
 * made for this read and closed after it.
 */
export async function readSlot(writeClient: () => Promise<Client>, slotName: string): Promise<SlotState | null> {
  const client = await writeClient();
  try {
    const { rows } = await client.query<{
      active: boolean;
      active_pid: number | null;
      since: string | null;
      since_ms: string | null;
      wal_status: string | null;
      confirmed: string | null;
      retained: string | null;
      safe: string | null;
    }>(
      `select s.active, s.active_pid, a.backend_start::text as since, (extract(epoch from a.backend_start) * 1000)::bigint::text as since_ms, s.wal_status, s.confirmed_flush_lsn::text as confirmed,
                pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::text as retained, s.safe_wal_size::text as safe
           from pg_replication_slots s left join pg_stat_activity a on a.pid = s.active_pid
          where s.slot_name = $1`,
      [slotName],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      name: slotName,
      active: row.active,
      holder: row.active_pid === null ? null : { pid: row.active_pid, since: row.since ?? '', sinceMs: Number(row.since_ms ?? 0) },
      walStatus: row.wal_status ?? 'lost',
      confirmedLsn: row.confirmed ?? '',
      retainedBytes: Number(row.retained ?? 0),
      safeWalBytes: row.safe === null ? null : Number(row.safe),
    };
  } finally {
    await client.end();
  }
}
