import type { Pool } from 'pg';
import { encodeContactCursor, type ContactPosition } from './pageCursor';
import { isoFromPgTimestamptz } from './utcTimestamp';

interface ContactRecord {
  readonly user_id: string;
  readonly contact_user_id: string;
  readonly remark_name: string;
  readonly nickname: string;
  readonly avatar: string;
  readonly display_name: string;
  readonly direct_channel_id: string | null;
  readonly friends_since: string;
}

/** A contact as the API shows it: the contract's columns of user_contact_view in camelCase. */
export interface Contact {
  readonly userId: string;
  readonly contactUserId: string;
  readonly remarkName: string;
  readonly nickname: string;
  readonly avatar: string;
  readonly displayName: string;
  readonly directChannelId: string | null;
  readonly friendsSince: string;
}

export interface ContactPage {
  readonly contacts: readonly Contact[];
  readonly nextCursor: string | null;
}

const contactOf = (r: ContactRecord): Contact => ({
  userId: r.user_id,
  contactUserId: r.contact_user_id,
  remarkName: r.remark_name,
  nickname: r.nickname,
  avatar: r.avatar,
  displayName: r.display_name,
  directChannelId: r.direct_channel_id,
  friendsSince: isoFromPgTimestamptz(r.friends_since),
});

const COLUMNS = 'user_id, contact_user_id, remark_name, nickname, avatar, display_name, direct_channel_id, friends_since';

/**
 * Reads of user_contact_view. The order is (display_name, contact_user_id) ascending, names
 * compared in the column's collation (im_read's default; C.UTF-8 on the local stack, so code
 * point order); contact_user_id makes it total. The keyset row comparison uses the same
 * collation as the ORDER BY, so paging is exact whatever the collation is. No index holds this
 * order: the primary key finds the user's rows and a top-N sort orders them, which is cheap for
 * one user's contacts; an index on (user_id, display_name, contact_user_id) would remove it.
 */
export function contactQueries({ pool }: { pool: Pool }) {
  return {
    async page(ownerId: bigint, after: ContactPosition | null, limit: number): Promise<ContactPage> {
      const keyset = after === null ? '' : ' and (display_name, contact_user_id) > ($3::text, $4::bigint)';
      const values: unknown[] = [ownerId.toString(), limit + 1];
      if (after !== null) values.push(after.displayName, after.contactUserId);
      const { rows } = await pool.query<ContactRecord>(
        `select ${COLUMNS} from user_contact_view where user_id = $1::bigint${keyset} order by display_name, contact_user_id limit $2`,
        values,
      );
      const contacts = rows.slice(0, limit).map(contactOf);
      const last = contacts[contacts.length - 1];
      const nextCursor =
        rows.length > limit && last !== undefined ? encodeContactCursor({ displayName: last.displayName, contactUserId: last.contactUserId }) : null;
      return { contacts, nextCursor };
    },
  };
}

export type ContactQueries = ReturnType<typeof contactQueries>;
