import type { Pool } from 'pg';

/**
 * A small write side that touches every rule of CONTRACT.md, and the read rows the contract
 * gives for it, worked out by hand from the contract's tables (not by running verify's queries).
 * Every id is above 2^53, and some pairs sort differently as text than as numbers.
 */

export const U1 = '9007199254740993'; // alice
export const U2 = '9007199254740995'; // robert, renamed bob
export const U3 = '10000000000000001'; // carol, no avatar
export const U4 = '10000000000000003'; // dave, renamed david after sending the group's last message
export const U5 = '10000000000000005'; // erin, unfriended by alice; their direct channel stays

export const D12 = '9999999999999999'; // direct alice-bob: recalled last message
export const D12B = '10000000000000007'; // a second direct channel alice-bob: direct_channel_id takes the smaller
export const D15 = '9223372036854775001'; // direct alice-erin, friendship deleted
export const G = '9223372036854775100'; // group "Team": carol left, dave hidden
export const GD = '9223372036854775200'; // group "Old", dissolved

const M = (n: number) => `91000000000000000${String(n).padStart(2, '0')}`;

/** Statements in writer order, each with its parameters (ids go in as text, so never as JS numbers). */
export const writeSideStatements: ReadonlyArray<readonly [string, readonly (string | null)[]]> = [
  [
    `insert into users (id, nickname, avatar) values
       ($1, 'alice', 'alice.png'), ($2, 'robert', 'robert.png'), ($3, 'carol', ''), ($4, 'dave', 'dave.png'), ($5, 'erin', 'erin.png')`,
    [U1, U2, U3, U4, U5],
  ],
  [
    `insert into friendships (user_id, friend_id, remark_name, created_at) values
       ($1, $2, 'Bobby', '2024-01-01 08:00:00.000001+00'), ($2, $1, '', '2024-01-01 08:00:00.000002+00'),
       ($1, $3, '', '2024-01-02 09:30:00.5+00'), ($3, $1, 'Al', '2024-01-02 09:30:00.5+00'),
       ($1, $4, 'Erin E', '2024-01-03 00:00:00+00'), ($4, $1, '', '2024-01-03 00:00:00+00')`,
    [U1, U2, U3, U5],
  ],
  // Unfriending deletes both rows.
  [`delete from friendships where (user_id, friend_id) in (($1, $2), ($2, $1))`, [U1, U5]],
  [
    `insert into channels (id, channel_type, channel_name, channel_avatar, owner_user_id, dissolved_at) values
       ($1, 1, '', '', null, null), ($2, 1, '', '', null, null), ($3, 1, '', '', null, null),
       ($4, 2, 'Team', 'team.png', $6, null), ($5, 2, 'Old', '', $6, '2024-02-01 00:00:00+00')`,
    [D12, D12B, D15, G, GD, U1],
  ],
  [
    `insert into channel_members (channel_id, user_id, role, joined_at, left_at, is_pinned, is_muted, is_hidden) values
       ($1, $6, 0, '2024-01-01 08:00:01+00', null, true, false, false),
       ($1, $7, 0, '2024-01-01 08:00:01+00', null, false, false, false),
       ($2, $6, 0, '2024-01-05 00:00:00+00', null, false, false, false),
       ($2, $7, 0, '2024-01-05 00:00:00+00', null, false, false, false),
       ($3, $6, 0, '2024-01-03 00:00:01+00', null, false, false, false),
       ($3, $10, 0, '2024-01-03 00:00:01+00', null, false, false, true),
       ($4, $6, 2, '2024-02-10 00:00:00+00', null, true, false, false),
       ($4, $7, 0, '2024-02-10 00:00:00+00', null, false, true, false),
       ($4, $8, 0, '2024-02-10 00:00:00+00', '2024-03-02 12:00:00.5+00', false, false, false),
       ($4, $9, 0, '2024-02-10 00:00:00+00', null, false, false, true),
       ($5, $6, 2, '2024-01-10 00:00:00+00', null, false, false, false),
       ($5, $8, 0, '2024-01-10 00:00:00+00', '2024-01-20 00:00:00.25+00', false, false, false)`,
    [D12, D12B, D15, G, GD, U1, U2, U3, U4, U5],
  ],
  [
    `insert into messages (id, channel_id, seq, sender_id, msg_type, content, created_at, recalled_at) values
       ($1, $8, 1, $10, 1, 'hi', '2024-03-01 10:00:00.000001+00', null),
       ($2, $8, 2, $11, 1, 'hello', '2024-03-01 10:00:01.5+00', null),
       ($3, $8, 3, $11, 1, 'oops', '2024-03-01 10:00:02.999999+00', '2024-03-01 10:01:00+00'),
       ($4, $9, 1, $11, 1, 'welcome', '2024-03-01 11:00:00+00', null),
       ($5, $9, 2, $12, 1, 'bye', '2024-03-01 11:00:01+00', null),
       ($6, $9, 3, $11, 1, 'secret', '2024-03-01 11:00:02+00', '2024-03-01 11:00:03+00'),
       ($7, $9, 4, $13, 2, 'photo.jpg', '2024-03-01 11:00:04.000004+00', null)`,
    [M(1), M(2), M(3), M(4), M(5), M(6), M(7), D12, G, U1, U2, U3, U4],
  ],
  [
    `insert into channel_read_records (user_id, channel_id, last_read_seq) values
       ($1, $4, 1), ($2, $4, 0), ($1, $5, 0), ($1, $6, 1), ($2, $6, 4), ($3, $6, 4), ($1, $7, 0)`,
    [U1, U2, U4, D12, D15, G, GD],
  ],
  // Profile changes after the messages: views show *current* nicknames.
  [`update users set nickname = 'bob', avatar = 'bob.png', profile_ver = profile_ver + 1 where id = $1`, [U2]],
  [`update users set nickname = 'david', profile_ver = profile_ver + 1 where id = $1`, [U4]],
];

type Value = string | boolean | number | null;
type Row = Readonly<Record<string, Value>>;

const noLastMessage = {
  last_message_id: null,
  last_message_seq: '0',
  last_message_type: null,
  last_message_content: '',
  last_message_sender_id: null,
  last_message_sender_name: '',
  last_message_time: null,
  unread_count: 0,
};
const notFlagged = { is_pinned: false, is_muted: false, is_hidden: false, closed_at: null };
const noPeer = { peer_user_id: null, peer_nickname: '', peer_avatar: '', remark_name: '' };
// D12's last message (seq 3) is recalled: its content is '', the rest stays.
const d12Last = {
  last_message_id: M(3),
  last_message_seq: '3',
  last_message_type: 1,
  last_message_content: '',
  last_message_sender_id: U2,
  last_message_sender_name: 'bob',
  last_message_time: '2024-03-01 10:00:02.999999+00',
};
const gLast = {
  last_message_id: M(7),
  last_message_seq: '4',
  last_message_type: 2,
  last_message_content: 'photo.jpg',
  last_message_sender_id: U4,
  last_message_sender_name: 'david',
  last_message_time: '2024-03-01 11:00:04.000004+00',
};
// Projector-only columns, set to values verify must not care about.
const bookkeeping = { member_ver: 42, channel_info_ver: 7, peer_profile_ver: 9, last_read_seq: '123' };

export const contractRows: Readonly<Record<string, readonly Row[]>> = {
  user_conversation_view: [
    // alice-bob: alice's remark "Bobby" names it; unread for alice: seq 2 (bob's), seq 3 is recalled.
    {
      user_id: U1,
      channel_id: D12,
      conversation_type: 1,
      peer_user_id: U2,
      peer_nickname: 'bob',
      peer_avatar: 'bob.png',
      remark_name: 'Bobby',
      conversation_name: 'Bobby',
      conversation_avatar: 'bob.png',
      ...d12Last,
      unread_count: 1,
      ...notFlagged,
      is_pinned: true,
    },
    // bob has no remark: his peer's nickname; unread from seq 0: only alice's seq 1.
    {
      user_id: U2,
      channel_id: D12,
      conversation_type: 1,
      peer_user_id: U1,
      peer_nickname: 'alice',
      peer_avatar: 'alice.png',
      remark_name: '',
      conversation_name: 'alice',
      conversation_avatar: 'alice.png',
      ...d12Last,
      unread_count: 1,
      ...notFlagged,
    },
    {
      user_id: U1,
      channel_id: D12B,
      conversation_type: 1,
      peer_user_id: U2,
      peer_nickname: 'bob',
      peer_avatar: 'bob.png',
      remark_name: 'Bobby',
      conversation_name: 'Bobby',
      conversation_avatar: 'bob.png',
      ...noLastMessage,
      ...notFlagged,
    },
    {
      user_id: U2,
      channel_id: D12B,
      conversation_type: 1,
      peer_user_id: U1,
      peer_nickname: 'alice',
      peer_avatar: 'alice.png',
      remark_name: '',
      conversation_name: 'alice',
      conversation_avatar: 'alice.png',
      ...noLastMessage,
      ...notFlagged,
    },
    // Unfriended: the friendship row is gone, so no remark ("Erin E" was it).
    {
      user_id: U1,
      channel_id: D15,
      conversation_type: 1,
      peer_user_id: U5,
      peer_nickname: 'erin',
      peer_avatar: 'erin.png',
      remark_name: '',
      conversation_name: 'erin',
      conversation_avatar: 'erin.png',
      ...noLastMessage,
      ...notFlagged,
    },
    {
      user_id: U5,
      channel_id: D15,
      conversation_type: 1,
      peer_user_id: U1,
      peer_nickname: 'alice',
      peer_avatar: 'alice.png',
      remark_name: '',
      conversation_name: 'alice',
      conversation_avatar: 'alice.png',
      ...noLastMessage,
      ...notFlagged,
      is_hidden: true,
    },
    // Group: alice read up to 1; unread = carol's seq 2 and dave's seq 4 (bob's seq 3 is recalled).
    {
      user_id: U1,
      channel_id: G,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Team',
      conversation_avatar: 'team.png',
      ...gLast,
      unread_count: 2,
      ...notFlagged,
      is_pinned: true,
    },
    {
      user_id: U2,
      channel_id: G,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Team',
      conversation_avatar: 'team.png',
      ...gLast,
      unread_count: 0,
      ...notFlagged,
      is_muted: true,
    },
    // carol left (closed_at = left_at); no read record: seq 1 (bob) and seq 4 (dave); seq 2 is hers.
    {
      user_id: U3,
      channel_id: G,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Team',
      conversation_avatar: 'team.png',
      ...gLast,
      unread_count: 2,
      ...notFlagged,
      closed_at: '2024-03-02 12:00:00.5+00',
    },
    {
      user_id: U4,
      channel_id: G,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Team',
      conversation_avatar: 'team.png',
      ...gLast,
      unread_count: 0,
      ...notFlagged,
      is_hidden: true,
    },
    // Dissolved: closed_at = dissolved_at for a member who stayed, left_at for one who left first.
    {
      user_id: U1,
      channel_id: GD,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Old',
      conversation_avatar: '',
      ...noLastMessage,
      ...notFlagged,
      closed_at: '2024-02-01 00:00:00+00',
    },
    {
      user_id: U3,
      channel_id: GD,
      conversation_type: 2,
      ...noPeer,
      conversation_name: 'Old',
      conversation_avatar: '',
      ...noLastMessage,
      ...notFlagged,
      closed_at: '2024-01-20 00:00:00.25+00',
    },
  ].map((row) => ({ ...row, ...bookkeeping })),
  user_contact_view: [
    {
      user_id: U1,
      contact_user_id: U2,
      remark_name: 'Bobby',
      nickname: 'bob',
      avatar: 'bob.png',
      display_name: 'Bobby',
      direct_channel_id: D12,
      friends_since: '2024-01-01 08:00:00.000001+00',
    },
    {
      user_id: U2,
      contact_user_id: U1,
      remark_name: '',
      nickname: 'alice',
      avatar: 'alice.png',
      display_name: 'alice',
      direct_channel_id: D12,
      friends_since: '2024-01-01 08:00:00.000002+00',
    },
    {
      user_id: U1,
      contact_user_id: U3,
      remark_name: '',
      nickname: 'carol',
      avatar: '',
      display_name: 'carol',
      direct_channel_id: null,
      friends_since: '2024-01-02 09:30:00.5+00',
    },
    {
      user_id: U3,
      contact_user_id: U1,
      remark_name: 'Al',
      nickname: 'alice',
      avatar: 'alice.png',
      display_name: 'Al',
      direct_channel_id: null,
      friends_since: '2024-01-02 09:30:00.5+00',
    },
  ].map((row) => ({ ...row, friend_ver: 3, contact_profile_ver: 5 })),
  conversation_reverse_index: [
    { peer_user_id: U2, owner_user_id: U1, channel_id: D12 },
    { peer_user_id: U1, owner_user_id: U2, channel_id: D12 },
    { peer_user_id: U2, owner_user_id: U1, channel_id: D12B },
    { peer_user_id: U1, owner_user_id: U2, channel_id: D12B },
    { peer_user_id: U5, owner_user_id: U1, channel_id: D15 },
    { peer_user_id: U1, owner_user_id: U5, channel_id: D15 },
  ],
  contact_reverse_index: [
    { contact_user_id: U2, owner_user_id: U1 },
    { contact_user_id: U1, owner_user_id: U2 },
    { contact_user_id: U3, owner_user_id: U1 },
    { contact_user_id: U1, owner_user_id: U3 },
  ],
};

export async function insertWriteSide(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const [text, values] of writeSideStatements) await client.query(text, [...values]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

/** Writes the rows as a projector would have: one insert per row, values as given. */
export async function insertReadSide(pool: Pool, rows: Readonly<Record<string, readonly Row[]>>): Promise<void> {
  for (const [table, tableRows] of Object.entries(rows)) {
    for (const row of tableRows) {
      const columns = Object.keys(row);
      await pool.query(
        `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((column) => row[column]),
      );
    }
  }
}
