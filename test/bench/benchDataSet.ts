import type { Pool } from 'pg';

/** The size of a generated data set (the full set: 100k users, 50k direct, 18k groups of 50, 1M messages). */
export interface DataSetSize {
  readonly users: number;
  readonly directChannels: number;
  readonly groups: number;
  readonly groupSize: number;
  readonly messages: number;
}

/** Rows per transaction: a slot cannot confirm past a transaction until it is fully decoded (FIELD-NOTES). */
const CHUNK = 50_000;

/**
 * Writes a data set that keeps the contract's writer rules straight into im_write with set-based
 * SQL, in transactions of at most 50k rows: users; direct channels between user i and i+1, each
 * with its two members, read records and the friendship both ways; groups of `groupSize`
 * consecutive users with members and read records; messages spread over all channels round-robin,
 * seq growing per channel. Ids start at `base` (above 2^53) and are consecutive per kind.
 */
export async function writeDataSet(pool: Pool, size: DataSetSize, base: bigint, log: (line: string) => void): Promise<void> {
  const ids = {
    user: base,
    channel: base + 10_000_000n,
    message: base + 20_000_000n,
  };
  const inChunks = async (what: string, total: number, sql: string, extra: (from: number, to: number) => unknown[] = () => []) => {
    const started = Date.now();
    for (let from = 0; from < total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK);
      await pool.query(sql, [from, to, ...extra(from, to)]);
    }
    log(`${what}: ${total} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  const u = ids.user.toString();
  const c = ids.channel.toString();
  const m = ids.message.toString();
  await inChunks(
    'users',
    size.users,
    `insert into users (id, nickname) select ${u} + g, 'user ' || g from generate_series($1::int, $2::int - 1) g`,
  );
  const direct = Math.min(size.directChannels, size.users - 1);
  await inChunks(
    'direct channels',
    direct,
    `with ch as (insert into channels (id, channel_type) select ${c} + g, 1 from generate_series($1::int, $2::int - 1) g returning id),
          mem as (insert into channel_members (channel_id, user_id)
                    select ${c} + g, ${u} + g from generate_series($1::int, $2::int - 1) g
                    union all select ${c} + g, ${u} + g + 1 from generate_series($1::int, $2::int - 1) g returning 1),
          rr as (insert into channel_read_records (user_id, channel_id)
                    select ${u} + g, ${c} + g from generate_series($1::int, $2::int - 1) g
                    union all select ${u} + g + 1, ${c} + g from generate_series($1::int, $2::int - 1) g returning 1)
     insert into friendships (user_id, friend_id)
       select ${u} + g, ${u} + g + 1 from generate_series($1::int, $2::int - 1) g
       union all select ${u} + g + 1, ${u} + g from generate_series($1::int, $2::int - 1) g`,
  );
  const groupBase = direct;
  const groupsPerChunk = Math.max(1, Math.floor(CHUNK / (2 * size.groupSize)));
  const started = Date.now();
  for (let from = 0; from < size.groups; from += groupsPerChunk) {
    const to = Math.min(size.groups, from + groupsPerChunk);
    await pool.query(
      `with ch as (insert into channels (id, channel_type, channel_name, owner_user_id)
                     select ${c} + $3::int + g, 2, 'group ' || g, ${u} + (g * $4::int) % $5::int from generate_series($1::int, $2::int - 1) g returning id),
            mem as (insert into channel_members (channel_id, user_id, role)
                     select ${c} + $3::int + g, ${u} + (g * $4::int + k) % $5::int, case when k = 0 then 2 else 0 end
                       from generate_series($1::int, $2::int - 1) g, generate_series(0, $4::int - 1) k returning 1)
       insert into channel_read_records (user_id, channel_id)
         select ${u} + (g * $4::int + k) % $5::int, ${c} + $3::int + g from generate_series($1::int, $2::int - 1) g, generate_series(0, $4::int - 1) k`,
      [from, to, groupBase, size.groupSize, size.users],
    );
  }
  log(`groups: ${size.groups} of ${size.groupSize} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const channels = direct + size.groups;
  // Message g goes to channel g % channels, with seq g / channels + 1; the sender is a member.
  await inChunks(
    'messages',
    size.messages,
    `insert into messages (id, channel_id, seq, sender_id, content)
       select ${m} + g, ${c} + (g % $3::int), (g / $3::int) + 1,
              case when g % $3::int < $4::int then ${u} + (g % $3::int) + (g / $3::int) % 2
                   else ${u} + (((g % $3::int) - $4::int) * $5::int + (g / $3::int) % $5::int) % $6::int end,
              'message ' || g
         from generate_series($1::int, $2::int - 1) g`,
    () => [channels, direct, size.groupSize, size.users],
  );
}
