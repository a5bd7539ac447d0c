import { column } from './viewColumn';
import { defineView, type RowOf } from './viewDefinition';

/** contact_reverse_index: whose contact lists show a user, one row per contact row. */
export const contactReverseIndex = defineView({
  table: 'contact_reverse_index',
  columns: {
    contactUserId: column.int64('contact_user_id'),
    ownerUserId: column.int64('owner_user_id'),
  },
  key: ['contactUserId', 'ownerUserId'],
  owner: 'ownerUserId',
});

export type ContactReverseEntry = RowOf<typeof contactReverseIndex>;
