import type { Pool } from 'pg';

/**
 * Direct SQL on im_write for tests that need volume (backlogs of thousands of messages) rather
 * than the write API. Every statement keeps the contract's writer rules.
 */

let counter = 0n;
const runBase = 2n ** 56n + BigInt(Date.now()) * 100_000n;

/** Ids no earlier run used, above 2^53. */
export function freshId(): bigint {
  counter += 1n;
  return runBase + counter;
}

export async function createUsers(pool: Pool, ids: readonly bigint[], prefix: string): Promise<void> {
  await pool.query(`insert into users (id, nickname) select id, $2 || '-' || ord from unnest($1::bigint[]) with ordinality as t(id, ord)`, [
    ids.map(String),
    prefix,
  ]);
}

/** A group with its members (the first is the owner), read pointers at the channel's start. */
export async function createGroup(pool: Pool, channelId: bigint, memberIds: readonly bigint[], name: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('insert into channels (id, channel_type, channel_name, owner_user_id) values ($1, 2, $2, $3)', [
      String(channelId),
      name,
      String(memberIds[0]),
    ]);
    await client.query(
      `insert into channel_members (channel_id, user_id, role) select $1, id, case when ord = 1 then 2 else 0 end from unnest($2::bigint[]) with ordinality as t(id, ord)`,
      [String(channelId), memberIds.map(String)],
    );
    await client.query(
      'insert into channel_read_records (user_id, channel_id, last_read_seq) select id, $1, 0 from unnest($2::bigint[]) as t(id)',
      [String(channelId), memberIds.map(String)],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

/** `count` messages in one transaction, senders taken round-robin, seq continuing the channel's. */
export async function sendMessages(pool: Pool, channelId: bigint, senders: readonly bigint[], count: number): Promise<void> {
  const first = freshId();
  counter += BigInt(count);
  await pool.query(
    `insert into messages (id, channel_id, seq, sender_id, content)
     select $1::bigint + g, $2, coalesce((select max(seq) from messages where channel_id = $2), 0) + g,
            ($3::bigint[])[1 + (g % array_length($3::bigint[], 1))], 'message ' || g
       from generate_series(1, $4::int) g`,
    [String(first), String(channelId), senders.map(String), count],
  );
}

export async function markRead(pool: Pool, userId: bigint, channelId: bigint, seq: number): Promise<void> {
  await pool.query(
    'update channel_read_records set last_read_seq = greatest(last_read_seq, $3), updated_at = now() where user_id = $1 and channel_id = $2',
    [String(userId), String(channelId), seq],
  );
}
