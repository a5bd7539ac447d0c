import type { PoolClient } from 'pg';
import type { DirtyMark } from '../projection/dirtyMark';
import { addContact, addConversation, keysOfMarks } from '../projection/viewTargets';
import { buildContacts } from './buildContacts';
import { buildConversations } from './buildConversations';
import { channelsLastSentBy } from './refLookups';
import { contactsShowingUsers, conversationsShowingPeers, directConversationsOf } from './viewLookups';

export interface BuildResult {
  readonly conversationRows: number;
  readonly conversationRowsChanged: number;
  readonly contactRows: number;
}

/**
 * Recomputes every view row the marks point at from the ref_ tables, inside the builder's
 * transaction. Fan-out goes through the reverse indexes and the channel-to-members table, never
 * a scan.
 */
export async function buildViews(tx: PoolClient, marks: readonly DirtyMark[]): Promise<BuildResult> {
  const keys = keysOfMarks(marks);
  // A profile shows on the rows that have the user as peer, as last sender and as contact.
  for (const key of await conversationsShowingPeers(tx, keys.profileUsers)) addConversation(keys, key);
  for (const channelId of await channelsLastSentBy(tx, keys.profileUsers)) keys.wholeChannels.add(channelId);
  for (const key of await contactsShowingUsers(tx, keys.profileUsers)) addContact(keys, key);
  // A remark shows on the direct conversations of the pair.
  for (const key of await directConversationsOf(tx, keys.remarkPairs)) addConversation(keys, key);

  const conversations = await buildConversations(tx, keys);
  // A pair's contact rows show their smallest direct channel: rebuilt when a new one appears.
  for (const { owner, peer } of conversations.newDirectPairs) {
    addContact(keys, { userId: owner, contactUserId: peer });
    addContact(keys, { userId: peer, contactUserId: owner });
  }
  const contactRows = await buildContacts(tx, [...keys.contacts.values()]);
  return { conversationRows: conversations.rows.length, conversationRowsChanged: conversations.changed, contactRows };
}
