import type { PoolClient } from 'pg';
import { contactReverseIndex, type ContactReverseEntry } from '../views/contactReverseIndex';
import { conversationReverseIndex, type ConversationReverseEntry } from '../views/conversationReverseIndex';
import { userContactView, type ContactRow } from '../views/userContactView';
import { userConversationView, type ConversationRow } from '../views/userConversationView';
import type { ViewShape } from '../views/viewDefinition';
import { deleteRowsStatement, upsertRowsStatement } from './viewStatements';

/**
 * Writes of built view rows and their reverse index entries, each one multi-row statement. An
 * unchanged row is not rewritten, so a replay produces no churn.
 */

type Row = Readonly<Record<string, unknown>>;

async function upsertRows(tx: PoolClient, view: ViewShape, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { text, values } = upsertRowsStatement(view, rows);
  return (await tx.query(text, values as unknown[])).rowCount ?? 0;
}

async function deleteRows(tx: PoolClient, view: ViewShape, keys: readonly Row[]): Promise<void> {
  if (keys.length === 0) return;
  const { text, values } = deleteRowsStatement(view, keys);
  await tx.query(text, values as unknown[]);
}

/** Returns how many rows changed. */
export const upsertConversationRows = (tx: PoolClient, rows: readonly ConversationRow[]): Promise<number> =>
  upsertRows(tx, userConversationView, rows);

/** Entries that must exist, and stale ones (a peer that changed) to remove. */
export async function syncConversationReverseIndex(
  tx: PoolClient,
  wanted: readonly ConversationReverseEntry[],
  stale: readonly ConversationReverseEntry[],
): Promise<void> {
  await deleteRows(tx, conversationReverseIndex, stale);
  await upsertRows(tx, conversationReverseIndex, wanted);
}

export async function upsertContactRows(tx: PoolClient, rows: readonly ContactRow[]): Promise<void> {
  await upsertRows(tx, userContactView, rows);
  await upsertRows(tx, contactReverseIndex, rows.map(contactEntry));
}

export async function deleteContactRows(tx: PoolClient, keys: ReadonlyArray<Pick<ContactRow, 'userId' | 'contactUserId'>>): Promise<void> {
  await deleteRows(tx, userContactView, keys);
  await deleteRows(tx, contactReverseIndex, keys.map(contactEntry));
}

const contactEntry = (row: Pick<ContactRow, 'userId' | 'contactUserId'>): ContactReverseEntry => ({
  contactUserId: row.contactUserId,
  ownerUserId: row.userId,
});
