import type { ClientBase } from 'pg';

export interface MalformedDirectChannels {
  readonly count: number;
  /** The smallest few ids, for the report. */
  readonly firstIds: readonly string[];
}

/**
 * Direct channels that break the writer rule "exactly two members". The contract gives their
 * members no single peer, so their conversation rows are expected without one; the projector
 * may well have picked one. Reported beside the differences so an operator sees the cause.
 */
export async function findMalformedDirectChannels(
  client: ClientBase,
  owners: readonly string[] | null,
  shown = 10,
): Promise<MalformedDirectChannels> {
  const result = await client.query<{ id: string; total: string }>(
    `select c.id::text as id, count(*) over ()::text as total
       from channels c
      where c.channel_type = 1
        and (select count(*) from channel_members m where m.channel_id = c.id) <> 2
        and ($1::bigint[] is null or exists (
              select 1 from channel_members s where s.channel_id = c.id and s.user_id = any($1::bigint[])))
      order by c.id
      limit $2`,
    [owners, shown],
  );
  return { count: Number(result.rows[0]?.total ?? 0), firstIds: result.rows.map((row) => row.id) };
}
