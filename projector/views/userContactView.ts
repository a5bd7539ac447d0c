import { column, nullableColumn, ownColumn } from './viewColumn';
import { defineView, type ApiRowOf, type RowOf } from './viewDefinition';

/** user_contact_view: one row per friendships row, CONTRACT.md's columns, then the versions. */
export const userContactView = defineView({
  table: 'user_contact_view',
  columns: {
    userId: column.int64('user_id', { doc: 'the owner (in the query API, the token’s user)' }),
    contactUserId: column.int64('contact_user_id'),
    remarkName: column.text('remark_name', { doc: 'the owner’s remark for the contact, or empty' }),
    nickname: column.text('nickname', { doc: 'the contact’s current nickname' }),
    avatar: column.text('avatar', { doc: 'the contact’s current avatar' }),
    displayName: column.text('display_name', { doc: 'remark if not empty, else nickname' }),
    directChannelId: nullableColumn.int64('direct_channel_id', { doc: 'the owner’s direct channel with the contact, or null' }),
    friendsSince: column.time('friends_since', { doc: 'when the friendship was made' }),
    friendVer: ownColumn.version('friend_ver'),
    contactProfileVer: ownColumn.version('contact_profile_ver'),
  },
  key: ['userId', 'contactUserId'],
  owner: 'userId',
  touchedAt: 'projected_at',
});

export type ContactRow = RowOf<typeof userContactView>;
export type Contact = ApiRowOf<typeof userContactView>;
