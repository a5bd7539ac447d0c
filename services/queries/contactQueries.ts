import type { Pool } from 'pg';
import { userContactView, type Contact } from '../../projector/views/userContactView';
import { contractColumnList } from '../../projector/views/viewDefinition';
import { encodeContactCursor, type ContactPosition } from './pageCursor';
import { apiRowOf, type ViewRecord } from './viewRecords';

export type { Contact };

export interface ContactPage {
  readonly contacts: readonly Contact[];
  readonly nextCursor: string | null;
}

const contactOf = (record: ViewRecord): Contact => apiRowOf(userContactView, record);

/**
 * Reads of user_contact_view. The order is (display_name, contact_user_id) ascending, names
 * compared in the column's collation (im_read's default; C.UTF-8 on the local stack, so code
 * point order); contact_user_id makes it total. The keyset row comparison uses the same
 * collation as the ORDER BY, so paging is exact whatever the collation is. No index holds this
 * order: the primary key finds the user's rows and a top-N sort orders them, which is cheap for
 * one user's contacts; an index on (user_id, display_name, contact_user_id) would remove it.
 */
export function createContactQueries({ pool }: { pool: Pool }) {
  return {
    async page(ownerId: bigint, after: ContactPosition | null, limit: number): Promise<ContactPage> {
      const keyset = after === null ? '' : ' and (display_name, contact_user_id) > ($3::text, $4::bigint)';
      const values: unknown[] = [ownerId.toString(), limit + 1];
      if (after !== null) values.push(after.displayName, after.contactUserId);
      const { rows } = await pool.query<ViewRecord>(
        `select ${contractColumnList(userContactView)} from ${userContactView.table} where user_id = $1::bigint${keyset} order by display_name, contact_user_id limit $2`,
        values,
      );
      const contacts = rows.slice(0, limit).map(contactOf);
      const last = contacts[contacts.length - 1];
      const nextCursor =
        rows.length > limit && last !== undefined
          ? encodeContactCursor({ displayName: last.displayName, contactUserId: last.contactUserId })
          : null;
      return { contacts, nextCursor };
    },
  };
}

export type ContactQueries = ReturnType<typeof createContactQueries>;
