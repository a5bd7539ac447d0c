import { inArray } from 'drizzle-orm';
import { users } from '../db/writeSchema';
import type { WriteTransaction } from '../db/writeTransaction';
import { rejected, type Rejected } from './commandResult';

/**
 * Checks that users exist before rows point at them, so a missing one is a clear 404 naming it
 * rather than a foreign-key error. The caller (the token's subject) is named as such.
 */
export async function findMissingUser(tx: WriteTransaction, userIds: readonly bigint[], actorId?: bigint): Promise<Rejected | undefined> {
  const found = await tx
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [...userIds]));
  const existing = new Set(found.map((u) => u.id));
  const missing = userIds.find((id) => !existing.has(id));
  if (missing === undefined) return undefined;
  return rejected(
    'user_not_found',
    missing === actorId ? `user ${missing} (the token's subject) does not exist` : `user ${missing} does not exist`,
  );
}
