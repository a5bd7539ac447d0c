import type { Transaction } from '../../infra/db/transaction';
import type { DirtyMark } from '../projection/dirtyMark';
import { recordDirtyMarks } from './dirtyMarks';
import { holdVersionSwapLock } from './versionSwapLock';

/**
 * After a lost replication slot, the connector starts again with a full (blocking) snapshot: every
 * row that exists is read again, each read carrying the snapshot's LSN. Inserts and updates made
 * while the slot was lost arrive that way; a DELETE made then never arrives, because the row is
 * simply absent from the snapshot. Friendships are the only contract rows ever deleted.
 *
 * Once the projector has applied the whole friendships topic up to the snapshot's end, every
 * friendship that still exists carries an LSN at or above the snapshot's (the read, or a later
 * change); one still marked existing below it was deleted while the slot was lost. This retires
 * those rows as a delete event would (`exists_now = false`, the LSN kept, so any later change of
 * the pair still applies) and marks their contact keys for the view builder. In the caller's
 * transaction, with the marks.
 *
 * Run too early (before the snapshot's reads were applied) it would retire friendships that exist,
 * and views would miss contacts until the reads arrived: the caller waits for the checkpoints.
 */
export async function retireFriendshipsMissedByCdc(
  tx: Transaction,
  snapshotLsn: bigint,
): Promise<ReadonlyArray<{ userId: bigint; friendId: bigint }>> {
  await holdVersionSwapLock(tx);
  const { rows } = await tx.query<{ user_id: string; friend_id: string }>(
    `update ref_friendships set exists_now = false
      where exists_now and lsn < $1
      returning user_id::text, friend_id::text`,
    [snapshotLsn.toString()],
  );
  const retired = rows.map((r) => ({ userId: BigInt(r.user_id), friendId: BigInt(r.friend_id) }));
  await recordDirtyMarks(
    tx,
    retired.map((f): DirtyMark => ({ kind: 'contact', userId: f.userId, contactUserId: f.friendId })),
  );
  return retired;
}
