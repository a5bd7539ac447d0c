import type { PoolClient } from 'pg';
import { contactRow } from '../projection/contactRow';
import { pairKey } from '../projection/pairKey';
import type { ContactKey } from '../projection/viewTargets';
import type { ContactRow } from '../views/userContactView';
import { friendshipsOf, usersById } from './refLookups';
import { smallestDirectChannels } from './viewLookups';
import { deleteContactRows, upsertContactRows } from './viewRowWriter';

/** Rebuilds the contact rows of `keys`: writes those whose friendship exists, deletes the others. Returns rows written. */
export async function buildContacts(tx: PoolClient, keys: readonly ContactKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const friendships = await friendshipsOf(
    tx,
    keys.map((k) => [k.userId, k.contactUserId] as const),
  );
  const users = await usersById(
    tx,
    keys.map((k) => k.contactUserId),
  );
  const directChannels = await smallestDirectChannels(tx, keys);

  const present: ContactRow[] = [];
  const absent: ContactKey[] = [];
  for (const k of keys) {
    const key = pairKey(k.userId, k.contactUserId);
    const row = contactRow(friendships.get(key), users.get(k.contactUserId), directChannels.get(key) ?? null);
    if (row === null) absent.push(k);
    else present.push(row);
  }
  await upsertContactRows(tx, present);
  await deleteContactRows(tx, absent);
  return present.length;
}
