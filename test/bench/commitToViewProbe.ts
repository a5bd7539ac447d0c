import type { Pool } from 'pg';

/**
 * Commit→view as a user sees it: a message is committed on im_write every `intervalMs` (probe
 * channels in turn, one writer per channel), and its conversation row on im_read is polled until
 * it shows that message. One poll every 10 ms covers every probe in flight.
 */
export async function probeCommitToView({
  write,
  read,
  channels,
  sender,
  reader,
  durationMs,
  intervalMs = 100,
  nextId,
}: {
  write: Pool;
  read: Pool;
  channels: readonly bigint[];
  sender: bigint;
  reader: bigint;
  durationMs: number;
  intervalMs?: number;
  nextId: () => bigint;
}): Promise<number[]> {
  const pending = new Map<bigint, { readonly id: bigint; readonly committedAt: number }>();
  const latencies: number[] = [];
  let writing = true;
  const poller = (async () => {
    while (writing || pending.size > 0) {
      await new Promise((r) => setTimeout(r, 10));
      if (pending.size === 0) continue;
      const { rows } = await read.query<{ channel_id: string; last_message_id: string | null }>(
        'select channel_id::text, last_message_id::text from user_conversation_view where user_id = $1 and channel_id = any($2::bigint[])',
        [String(reader), [...pending.keys()].map(String)],
      );
      const now = Date.now();
      for (const r of rows) {
        const probe = pending.get(BigInt(r.channel_id));
        if (probe !== undefined && r.last_message_id !== null && BigInt(r.last_message_id) >= probe.id) {
          latencies.push(now - probe.committedAt);
          pending.delete(BigInt(r.channel_id));
        }
      }
      for (const [channel, probe] of pending) if (now - probe.committedAt > 60_000) pending.delete(channel);
    }
  })();
  const started = Date.now();
  for (let i = 0; Date.now() - started < durationMs; i += 1) {
    const channel = channels[i % channels.length]!;
    if (!pending.has(channel)) {
      const id = nextId();
      await write.query(
        `insert into messages (id, channel_id, seq, sender_id, content)
         values ($1, $2, coalesce((select max(seq) from messages where channel_id = $2), 0) + 1, $3, 'probe')`,
        [String(id), String(channel), String(sender)],
      );
      pending.set(channel, { id, committedAt: Date.now() });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  writing = false;
  await poller;
  return latencies;
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
