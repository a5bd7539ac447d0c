/**
 * The four public views of CONTRACT.md as verify sees them: the key, the contract columns in
 * the contract's order, and the column naming the row's owner. Columns the projector adds for
 * itself (member_ver, projected_at, ...) are deliberately absent, so they are never compared.
 */

export type ViewName = 'user_conversation_view' | 'user_contact_view' | 'conversation_reverse_index' | 'contact_reverse_index';

/** PostgreSQL type of a contract column; only the report's formatting depends on it. */
export type ColumnType = 'bigint' | 'integer' | 'smallint' | 'text' | 'boolean' | 'timestamptz';

export interface ContractColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ContractView {
  readonly name: ViewName;
  /** The view's key, in the order rows are sorted and merged; every key column is a bigint. */
  readonly key: readonly ContractColumn[];
  /** Every other contract column. */
  readonly values: readonly ContractColumn[];
  /** The owner's column, used to verify only some users (`--users`). */
  readonly ownerColumn: string;
}

const bigint = (name: string): ContractColumn => ({ name, type: 'bigint' });
const text = (name: string): ContractColumn => ({ name, type: 'text' });
const boolean = (name: string): ContractColumn => ({ name, type: 'boolean' });
const timestamptz = (name: string): ContractColumn => ({ name, type: 'timestamptz' });

export const userConversationView: ContractView = {
  name: 'user_conversation_view',
  key: [bigint('user_id'), bigint('channel_id')],
  values: [
    { name: 'conversation_type', type: 'smallint' },
    bigint('peer_user_id'),
    text('peer_nickname'),
    text('peer_avatar'),
    text('remark_name'),
    text('conversation_name'),
    text('conversation_avatar'),
    bigint('last_message_id'),
    bigint('last_message_seq'),
    { name: 'last_message_type', type: 'smallint' },
    text('last_message_content'),
    bigint('last_message_sender_id'),
    text('last_message_sender_name'),
    timestamptz('last_message_time'),
    { name: 'unread_count', type: 'integer' },
    boolean('is_pinned'),
    boolean('is_muted'),
    boolean('is_hidden'),
    timestamptz('closed_at'),
  ],
  ownerColumn: 'user_id',
};

export const userContactView: ContractView = {
  name: 'user_contact_view',
  key: [bigint('user_id'), bigint('contact_user_id')],
  values: [
    text('remark_name'),
    text('nickname'),
    text('avatar'),
    text('display_name'),
    bigint('direct_channel_id'),
    timestamptz('friends_since'),
  ],
  ownerColumn: 'user_id',
};

export const conversationReverseIndex: ContractView = {
  name: 'conversation_reverse_index',
  key: [bigint('peer_user_id'), bigint('owner_user_id'), bigint('channel_id')],
  values: [],
  ownerColumn: 'owner_user_id',
};

export const contactReverseIndex: ContractView = {
  name: 'contact_reverse_index',
  key: [bigint('contact_user_id'), bigint('owner_user_id')],
  values: [],
  ownerColumn: 'owner_user_id',
};

export const CONTRACT_VIEWS: readonly ContractView[] = [
  userConversationView,
  userContactView,
  conversationReverseIndex,
  contactReverseIndex,
];

export const VIEW_NAMES: readonly ViewName[] = CONTRACT_VIEWS.map((view) => view.name);

export function contractView(name: ViewName): ContractView {
  const view = CONTRACT_VIEWS.find((candidate) => candidate.name === name);
  if (view === undefined) throw new Error(`unknown view ${name}`);
  return view;
}

/** Key columns first, then values: the column order of every row verify reads. */
export function viewColumns(view: ContractView): readonly ContractColumn[] {
  return [...view.key, ...view.values];
}
